"""factory_boy factories for the domain models."""

from __future__ import annotations

import factory
from django.contrib.auth.models import Group, User

from claims.models import Article, Claim
from reviews.models import ReviewItem, Status, Verdict
from reviews.services.workflow import review_item_update


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"checker{n}")
    password = factory.django.Password("pw-for-tests")

    @factory.post_generation  # type: ignore[untyped-decorator]
    def roles(obj: User, create: bool, names: list[str] | None, **kwargs: object) -> None:
        """`roles=["Editors"]`: the groups (made by the workflow migration) to join."""
        if create and names:
            obj.groups.add(*Group.objects.filter(name__in=names))


SENTENCE = "Global sea level rose by about 20 centimetres between 1900 and 2018."


class ArticleFactory(factory.django.DjangoModelFactory[Article]):
    class Meta:
        model = Article

    input_kind = Article.InputKind.TEXT
    title = factory.Sequence(lambda n: f"Article {n}")
    outlet = "The Test Gazette"
    text = factory.LazyAttribute(lambda _: f"Intro line here. {SENTENCE} Outro.")
    raw_content = factory.LazyAttribute(lambda a: a.text)
    submission_hash = factory.Sequence(lambda n: f"{n:064x}")
    state = Article.State.READY


class ClaimFactory(factory.django.DjangoModelFactory[Claim]):
    class Meta:
        model = Claim

    article = factory.SubFactory(ArticleFactory)
    text = SENTENCE
    self_contained_text = SENTENCE
    sentence = SENTENCE
    sentence_start = 17
    sentence_end = 17 + len(SENTENCE)
    speaker = "Dr Jane Smith"
    checkworthiness = 0.8
    claim_type = Claim.ClaimType.STATISTIC
    fingerprint = factory.Sequence(lambda n: f"{n:064x}")
    evidence_state = Claim.EvidenceState.DONE


class ReviewItemFactory(factory.django.DjangoModelFactory[ReviewItem]):
    class Meta:
        model = ReviewItem

    claim = factory.SubFactory(ClaimFactory)
    status = factory.LazyFunction(lambda: Status.objects.get(is_initial=True))
    priority = 0.5


def hand_over(item: ReviewItem, user: User, status: str, verdict: str | None = None) -> ReviewItem:
    """`user` moves the claim to `status` (setting `verdict`, if given) and releases it."""
    return review_item_update(
        item_id=item.pk,
        user=user,
        expected_version=item.version,
        status=Status.objects.get(slug=status),
        verdict=Verdict.objects.get(slug=verdict) if verdict else item.verdict,
        release=True,
    )


def publish(item: ReviewItem, *, checker: User, editor: User, verdict: str = "false") -> ReviewItem:
    """Take a claim through the default workflow the way a team does: the fact-checker
    decides and hands over, a different editor publishes."""
    item = hand_over(item, checker, "ready-to-publish", verdict)
    return review_item_update(
        item_id=item.pk,
        user=editor,
        expected_version=item.version,
        status=Status.objects.get(slug="published"),
    )
