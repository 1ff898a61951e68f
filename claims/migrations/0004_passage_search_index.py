"""Full-text index over library passages: PostgreSQL tsvector + GIN, or SQLite FTS5.

The index lives beside the table (a generated column on PostgreSQL, an external-content
FTS5 table kept in step by triggers on SQLite), so every write path keeps it current and
re-indexing is just re-writing passages.
"""

from django.db import migrations

POSTGRES_FORWARD = [
    """ALTER TABLE claims_sourcepassage ADD COLUMN search_vector tsvector
       GENERATED ALWAYS AS (to_tsvector('english', text)) STORED""",
    "CREATE INDEX claims_sourcepassage_search_idx ON claims_sourcepassage USING GIN (search_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS claims_sourcepassage_search_idx",
    "ALTER TABLE claims_sourcepassage DROP COLUMN IF EXISTS search_vector",
]
SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE claims_sourcepassage_fts USING fts5(
       text, content='claims_sourcepassage', content_rowid='id', tokenize='porter unicode61')""",
    """CREATE TRIGGER claims_sourcepassage_fts_ai AFTER INSERT ON claims_sourcepassage BEGIN
       INSERT INTO claims_sourcepassage_fts(rowid, text) VALUES (new.id, new.text); END""",
    """CREATE TRIGGER claims_sourcepassage_fts_ad AFTER DELETE ON claims_sourcepassage BEGIN
       INSERT INTO claims_sourcepassage_fts(claims_sourcepassage_fts, rowid, text)
       VALUES ('delete', old.id, old.text); END""",
    """CREATE TRIGGER claims_sourcepassage_fts_au AFTER UPDATE ON claims_sourcepassage BEGIN
       INSERT INTO claims_sourcepassage_fts(claims_sourcepassage_fts, rowid, text)
       VALUES ('delete', old.id, old.text);
       INSERT INTO claims_sourcepassage_fts(rowid, text) VALUES (new.id, new.text); END""",
    "INSERT INTO claims_sourcepassage_fts(claims_sourcepassage_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS claims_sourcepassage_fts_ai",
    "DROP TRIGGER IF EXISTS claims_sourcepassage_fts_ad",
    "DROP TRIGGER IF EXISTS claims_sourcepassage_fts_au",
    "DROP TABLE IF EXISTS claims_sourcepassage_fts",
]


def _run(statements_by_vendor):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("claims", "0003_factchecks_and_ratings")]
    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        )
    ]
