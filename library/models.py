"""The source library's data: documents and their searchable passages, passage embeddings, and
earlier fact-checks. The tables keep the names they had when they lived in `claims` (moved
state-only by library/migrations/0001_initial.py, so no row was copied)."""

from django.db import models
from django.db.models import Q


class SourceDocument(models.Model):
    """A reference document in the newsroom's source library (saved pages, reports, wikis)."""

    title = models.CharField(max_length=500)
    # Blank for documents that came as files; those are identified by their content hash.
    url = models.URLField(max_length=2048, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    licence = models.CharField(max_length=100, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "claims_sourcedocument"
        constraints = [
            models.UniqueConstraint(fields=["url"], condition=~Q(url=""), name="source_unique_url"),
            models.UniqueConstraint(
                fields=["content_hash"],
                condition=Q(url=""),
                name="source_unique_unlinked_content",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SourcePassage(models.Model):
    """A searchable span of a source document (offsets index `SourceDocument.text`)."""

    document = models.ForeignKey(SourceDocument, on_delete=models.CASCADE, related_name="passages")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField()

    class Meta:
        db_table = "claims_sourcepassage"
        ordering = ["document_id", "start"]
        constraints = [
            models.UniqueConstraint(fields=["document", "start"], name="passage_unique_start")
        ]

    def __str__(self) -> str:
        return self.text[:80]


class PassageEmbedding(models.Model):
    """A passage's sentence embedding: the source of truth the ANN index is rebuilt from.

    A table of its own so that writing vectors never rewrites the passage row (and with it the
    full-text index entry), and a passage's embedding goes when the passage does."""

    passage = models.OneToOneField(
        SourcePassage, primary_key=True, on_delete=models.CASCADE, related_name="embedding"
    )
    model = models.CharField(max_length=64, db_index=True)
    vector = models.BinaryField(help_text="float32 little-endian, unit length.")
    # When the vector was written: the ANN index's freshness check reads the recent ones
    # (core/ann.py). Null for vectors written before the column existed (the refresh has them).
    embedded_at = models.DateTimeField(auto_now=True, null=True, db_index=True)

    class Meta:
        db_table = "claims_passageembedding"

    def __str__(self) -> str:
        return f"passage {self.passage_id} ({self.model})"


class FactCheck(models.Model):
    """A published fact-check (schema.org ClaimReview) imported from a page, a feed or a
    provider: the "has this been checked before?" library."""

    url = models.URLField(max_length=2048, unique=True)
    claim_reviewed = models.TextField()
    rating = models.CharField(max_length=200, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=16, blank=True)
    claimant = models.CharField(max_length=200, blank=True)
    appearance_url = models.URLField(max_length=2048, blank=True)
    raw = models.JSONField(default=dict, help_text="The ClaimReview as imported.")
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "claims_factcheck"
        ordering = ["-published_at", "id"]

    def __str__(self) -> str:
        return f"{self.rating or 'rated'}: {self.claim_reviewed[:70]}"
