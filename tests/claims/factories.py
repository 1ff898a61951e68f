"""factory_boy factories for the pipeline's models."""

from __future__ import annotations

import factory

from claims.models import Article, Claim

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
    speaker_kind = Claim.SpeakerKind.PERSON
    checkworthiness = 0.8
    claim_type = Claim.ClaimType.STATISTIC
    fingerprint = factory.Sequence(lambda n: f"{n:064x}")
    evidence_state = Claim.EvidenceState.RELEVANT
