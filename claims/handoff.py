"""The hand-off from the pipeline to the review queue.

The claims app must not import the reviews app (dependencies run one way), so the queue's
entry point is named in settings (CLAIMDESK_REVIEW_HANDOFF) and called through here. It is
called inside the transaction that marks the article ready, so "ready" always means "queued".
"""

from django.conf import settings
from django.utils.module_loading import import_string


def hand_off_to_review(*, article_id: int) -> None:
    import_string(settings.CLAIMDESK_REVIEW_HANDOFF)(article_id=article_id)
