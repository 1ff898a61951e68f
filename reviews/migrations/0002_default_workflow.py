"""Default workflow and verdict scale. Rows, not code: teams rename and extend them in the admin."""

from django.db import migrations

STATUSES = [
    # name, slug, colour, is_initial, is_published
    ("Unstarted", "unstarted", "#9ca3af", True, False),
    ("In progress", "in-progress", "#2563eb", False, False),
    ("Needs second review", "needs-second-review", "#d97706", False, False),
    ("Ready to publish", "ready-to-publish", "#7c3aed", False, False),
    ("Published", "published", "#059669", False, True),
]
VERDICTS = [
    ("True", "true", "#059669"),
    ("Mostly true", "mostly-true", "#65a30d"),
    ("Misleading", "misleading", "#d97706"),
    ("False", "false", "#dc2626"),
    ("Unproven", "unproven", "#6b7280"),
    ("Not check-worthy", "not-check-worthy", "#9ca3af"),
]


def create_defaults(apps, schema_editor):  # type: ignore[no-untyped-def]
    Status = apps.get_model("reviews", "Status")
    Verdict = apps.get_model("reviews", "Verdict")
    for position, (name, slug, colour, initial, published) in enumerate(STATUSES):
        Status.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "colour": colour,
                "position": position,
                "is_initial": initial,
                "is_published": published,
            },
        )
    for position, (name, slug, colour) in enumerate(VERDICTS):
        Verdict.objects.get_or_create(
            slug=slug, defaults={"name": name, "colour": colour, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial")]
    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
