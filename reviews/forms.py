"""Input forms of the reviewer pages (validation only; the services do the work)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User

from claims.models import Claim
from core.conf import conf as core_conf
from core.errors import ApplicationError
from core.text import decode_bytes, looks_like_html
from core.validators import validate_web_uri
from reviews.models import Status, Verdict
from reviews.selectors import SORTS, QueueFilters


class ReviewUpdateForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    # data-key: the keyboard shortcut that focuses the field (static/js/shortcuts.js).
    status = forms.ModelChoiceField(
        queryset=Status.objects.all(), label="Status", widget=forms.Select(attrs={"data-key": "s"})
    )
    verdict = forms.ModelChoiceField(
        queryset=Verdict.objects.all(),
        required=False,
        label="Verdict",
        empty_label="— none —",
        widget=forms.Select(attrs={"data-key": "v"}),
    )
    explanation = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args: Any, statuses: list[Status] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if statuses is not None:  # offer only the moves the workflow allows from here
            field = self.fields["status"]
            assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 — narrows for mypy
            field.queryset = Status.objects.filter(pk__in=[s.pk for s in statuses])


class CitationForm(forms.Form):
    url = forms.URLField(
        label="Source URL",
        max_length=2048,
        assume_scheme="https",
        validators=[validate_web_uri],
        widget=forms.URLInput(attrs={"data-key": "c"}),
    )
    title = forms.CharField(
        max_length=500, required=False, help_text="Leave empty to use the page's own title."
    )
    quote = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Quoted passage"
    )


class NoteForm(forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2, "data-key": "n"}),
        label="Note",
        max_length=10_000,
        help_text="@username mentions a colleague.",
    )


class QueueFilterForm(forms.Form):
    q = forms.CharField(
        required=False,
        label="Search",
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "data-key": "search"}),
    )
    status = forms.SlugField(required=False)
    verdict = forms.SlugField(required=False)
    assignee = forms.CharField(required=False, max_length=150)
    language = forms.CharField(required=False, max_length=16)
    outlet = forms.CharField(required=False, max_length=200)
    speaker = forms.CharField(required=False, max_length=200)
    tag = forms.SlugField(required=False)
    date_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = forms.ChoiceField(choices=[(key, key) for key in SORTS], required=False)
    open_only = forms.BooleanField(required=False)
    mentioned = forms.CharField(required=False, max_length=150)
    article = forms.IntegerField(required=False, min_value=1, label="Article")
    evidence = forms.ChoiceField(
        choices=[("", "any"), *Claim.EvidenceState.choices], required=False, label="Evidence"
    )

    def filters(self, base: dict[str, Any] | None = None) -> QueueFilters:
        """The accepted values over `base` (a built-in view); invalid fields are dropped."""
        data = dict(base or {})
        cleaned: dict[str, Any] = {}
        if self.is_bound:
            self.is_valid()  # fills cleaned_data with the fields that passed
            cleaned = self.cleaned_data
        data.update({key: value for key, value in cleaned.items() if value})
        return QueueFilters(**data)


class ArticleSubmitForm(forms.Form):
    """One article per submission: a URL, pasted text (or a page's HTML), or a .txt/.html file.

    Only the shape is checked here; emptiness, the size cap and de-duplication are the
    service's (article_submit), so every way in refuses the same things with the same words.
    """

    FILE_SUFFIXES = (".txt", ".html", ".htm")

    url = forms.URLField(
        required=False,
        max_length=2048,
        assume_scheme="https",
        label="URL",
        widget=forms.URLInput(attrs={"placeholder": "https://…"}),
    )
    text = forms.CharField(
        required=False,
        strip=False,
        label="or paste the text",
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    file = forms.FileField(
        required=False,
        label="or upload a file",
        help_text=".txt or .html",
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.html,.htm"}),
    )

    def clean_file(self) -> str:
        """The uploaded file's text (decoded whatever its encoding), or "" when none."""
        upload = self.cleaned_data.get("file")
        if not upload:
            return ""
        if not upload.name.lower().endswith(self.FILE_SUFFIXES):
            raise forms.ValidationError("Upload a .txt or .html file.")
        limit = core_conf().max_article_bytes
        if upload.size > limit:  # refused before reading it into memory
            raise forms.ValidationError(
                f"The file is {upload.size} bytes; the limit is {limit} bytes."
            )
        try:
            return decode_bytes(upload.read())
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message) from exc

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = [name for name in ("url", "text", "file") if str(data.get(name) or "").strip()]
        if len(given) > 1:
            raise forms.ValidationError("Give one of a URL, pasted text or a file, not several.")
        if not given and not self.errors:
            if data.get("text"):  # only blanks: the same words the service uses
                raise forms.ValidationError("The text is empty.")
            raise forms.ValidationError("Give a URL, paste the text or choose a file.")
        return data

    def submission(self) -> dict[str, str]:
        """The keyword arguments for article_submit."""
        data = self.cleaned_data
        if data.get("url"):
            return {"url": data["url"]}
        if data.get("file"):
            name = self.files["file"].name.lower()  # type: ignore[union-attr]
            body: str = data["file"]
            is_html = name.endswith((".html", ".htm")) or looks_like_html(body)
            return {"html": body} if is_html else {"text": body}
        return {"text": data.get("text", "")}


class IdListField(forms.Field):
    """Claim ids from ticked checkboxes (one `ids` value each) or a comma-separated list."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        parts = [part for raw in value or [] for part in str(raw).split(",") if part.strip()]
        try:
            return [int(part) for part in parts]
        except ValueError as exc:
            raise forms.ValidationError("Ids must be numbers.") from exc


class BulkActionForm(forms.Form):
    ACTIONS = [
        ("assign", "Assign to"),
        ("tag", "Tag"),
        ("status", "Move to status"),
        ("verdict", "Set verdict"),
    ]
    # The form field holding each action's argument ("assign" names a person in `assignee`).
    VALUE_FIELDS = {"assign": "assignee", "tag": "tag", "status": "status", "verdict": "verdict"}
    action = forms.ChoiceField(choices=ACTIONS)
    ids = IdListField(required=False)
    all_matching = forms.BooleanField(required=False)
    query = forms.CharField(required=False, max_length=2000)
    # With all_matching: how many claims the person was shown the action would change. The
    # filter is run again on apply, and a different count is refused (the queue moved on).
    expected_count = forms.IntegerField(required=False, min_value=0)
    assignee = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True), required=False, to_field_name="username"
    )
    tag = forms.CharField(required=False, max_length=60)
    status = forms.ModelChoiceField(
        queryset=Status.objects.all(), required=False, to_field_name="slug"
    )
    verdict = forms.ModelChoiceField(
        queryset=Verdict.objects.all(), required=False, to_field_name="slug"
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        action = data.get("action")
        if action in ("status", "verdict", "tag") and not data.get(action):
            self.add_error(action, "Choose a value for this action.")
        if not data.get("ids") and not data.get("all_matching"):
            raise forms.ValidationError("Select some claims, or choose all matching the filter.")
        return data

    def value(self) -> Any:
        """The action's argument: a user, a tag name, a status or a verdict."""
        return self.cleaned_data[self.VALUE_FIELDS[self.cleaned_data["action"]]]

    def describe_action(self) -> str:
        """The action in words, for the confirmation: "Tag “Health”", "Set verdict “False”"."""
        data = self.cleaned_data
        label = dict(self.ACTIONS)[data["action"]]
        value = self.value()
        if data["action"] == "assign":
            return f"{label} {value.get_username()}" if value else "Unassign"
        name = value.name if hasattr(value, "name") else value
        return f"{label} “{name}”"


class SavedViewForm(forms.Form):
    name = forms.CharField(max_length=60)
    query = forms.CharField(max_length=1000, required=False)


class NotificationSettingsForm(forms.Form):
    email = forms.BooleanField(required=False, label="Also email me each notification")
