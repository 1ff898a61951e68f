"""Default transitions, take-next statuses and the three roles (as Django groups).

Rows, not code: teams change transitions and group permissions in the admin.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# from-status slug → statuses a claim may move to
TRANSITIONS = {
    "unstarted": ["in-progress", "needs-second-review", "ready-to-publish"],
    "in-progress": ["unstarted", "needs-second-review", "ready-to-publish"],
    "needs-second-review": ["in-progress", "ready-to-publish"],
    "ready-to-publish": ["in-progress", "needs-second-review", "published"],
    "published": ["in-progress"],  # reopening: editors only, logged
}
TAKE_NEXT = ["unstarted", "needs-second-review"]
EDITOR_ONLY = ["published"]

FACT_CHECKER_PERMS = [
    ("reviews", "view_reviewitem"),
    ("reviews", "change_reviewitem"),
    ("reviews", "add_citation"),
    ("reviews", "add_note"),
    ("reviews", "view_status"),
    ("reviews", "view_verdict"),
    ("claims", "view_claim"),
    ("claims", "view_article"),
    ("claims", "add_article"),
]
EDITOR_PERMS = FACT_CHECKER_PERMS + [
    ("reviews", "publish_reviewitem"),
    ("reviews", "assign_reviewitem"),
    ("reviews", "add_tag"),
    ("reviews", "change_tag"),
]
ROLES = {"Fact-checkers": FACT_CHECKER_PERMS, "Editors": EDITOR_PERMS}


def configure_workflow(apps, schema_editor):  # type: ignore[no-untyped-def]
    Status = apps.get_model("reviews", "Status")
    by_slug = {status.slug: status for status in Status.objects.all()}
    for slug, targets in TRANSITIONS.items():
        if slug in by_slug:
            by_slug[slug].allowed_next.set([by_slug[t] for t in targets if t in by_slug])
    Status.objects.filter(slug__in=TAKE_NEXT).update(in_take_next=True)
    ReviewItem = apps.get_model("reviews", "ReviewItem")
    ReviewItem.objects.exclude(status__slug__in=TAKE_NEXT).update(in_take_next=False)
    Status.objects.filter(slug__in=EDITOR_ONLY).update(requires_editor=True)


def create_roles(apps, schema_editor):  # type: ignore[no-untyped-def]
    # Permissions are normally created after all migrations; the groups need them now.
    for label in ("reviews", "claims"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in perms:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def create_defaults(apps, schema_editor):  # type: ignore[no-untyped-def]
    configure_workflow(apps, schema_editor)
    create_roles(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0003_workspace"),
        ("claims", "0006_source_documents_from_files"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]
    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
