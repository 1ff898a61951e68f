"""Default ClaimReview ratings (1 = worst … 5 = best) for the default verdict scale."""

from django.db import migrations

RATINGS = {"true": 5, "mostly-true": 4, "misleading": 2, "false": 1}


def create_defaults(apps, schema_editor):  # type: ignore[no-untyped-def]
    Verdict = apps.get_model("reviews", "Verdict")
    for slug, value in RATINGS.items():
        Verdict.objects.filter(slug=slug, rating_value__isnull=True).update(rating_value=value)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0006_publication")]
    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
