"""Input forms of the reviewer pages (validation only; the services do the work)."""

from django import forms

from reviews.models import Status, Verdict


class ReviewUpdateForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    status = forms.ModelChoiceField(queryset=Status.objects.all(), label="Status")
    verdict = forms.ModelChoiceField(
        queryset=Verdict.objects.all(), required=False, label="Verdict", empty_label="— none —"
    )
    explanation = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)


class CitationForm(forms.Form):
    url = forms.URLField(label="Source URL", max_length=2048, assume_scheme="https")
    title = forms.CharField(max_length=500, required=False)
    quote = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
