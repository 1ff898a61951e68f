"""PostgreSQL only: document frequencies of lexemes and corpus size, for BM25 ranking of
full-text matches (ts_rank has no inverse document frequency). Refreshed after indexing."""

from django.db import migrations

FORWARD = [
    "CREATE TABLE claims_lexeme_stats (lexeme text PRIMARY KEY, ndoc integer NOT NULL)",
    "CREATE TABLE claims_lexical_corpus (passages integer NOT NULL, avg_length double precision NOT NULL)",
]
BACKWARD = ["DROP TABLE IF EXISTS claims_lexeme_stats", "DROP TABLE IF EXISTS claims_lexical_corpus"]


def _run(statements):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("claims", "0004_passage_search_index")]
    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
