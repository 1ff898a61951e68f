"""Claims published before publication was tracked get a publication date and a place in the
changes feed, so their public pages, ClaimReview and incremental sync work like the others."""

from django.db import migrations
from django.db.models import F, Max


def backfill(apps, schema_editor):  # type: ignore[no-untyped-def]
    ReviewItem = apps.get_model("reviews", "ReviewItem")
    PublicationChange = apps.get_model("reviews", "PublicationChange")
    published = ReviewItem.objects.filter(status__is_published=True, published_at__isnull=True)
    published.update(published_at=F("status_changed_at"))
    seq = PublicationChange.objects.aggregate(last=Max("seq"))["last"] or 0
    seen = set(PublicationChange.objects.values_list("claim_id", flat=True))
    changes = []
    for claim_id in (
        ReviewItem.objects.filter(status__is_published=True)
        .exclude(claim_id__in=seen)
        .order_by("published_at", "id")
        .values_list("claim_id", flat=True)
    ):
        seq += 1
        changes.append(PublicationChange(seq=seq, event="claim.published", claim_id=claim_id))
    PublicationChange.objects.bulk_create(changes, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0007_verdict_ratings")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
