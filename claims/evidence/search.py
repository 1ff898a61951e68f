"""Lexical search over library passages: PostgreSQL full-text search or SQLite FTS5.

Queries are the claim's informative terms OR-ed together (a claim rarely shares all its
words with the passage that supports it). Both engines rank by BM25: SQLite FTS5 natively;
on PostgreSQL the GIN index finds candidates and BM25 re-ranks them with the document
frequencies kept in `claims_lexeme_stats` (refreshed by `refresh_lexical_stats`).
"""

from __future__ import annotations

import math
import re

from django.db import connection

from claims.evidence.terms import query_terms

_FTS_SAFE = re.compile(r"[^\w]+", re.UNICODE)
_LEXEME_POSITIONS = re.compile(r"'((?:[^']|'')+)':([\d,A-D]+)")
_K1, _B = 1.2, 0.75
# Candidates the PostgreSQL path re-ranks, per result asked for (and at least this many).
_PG_CANDIDATES_MIN = 300


def _terms(text: str) -> list[str]:
    return [t for t in (_FTS_SAFE.sub("", term) for term in query_terms(text, max_terms=32)) if t]


def lexical_search(text: str, *, limit: int) -> list[tuple[int, float]]:
    """(passage id, score) pairs, best first."""
    terms = _terms(text)
    if not terms:
        return []
    if connection.vendor == "postgresql":
        return _postgres_bm25(terms, limit)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT rowid, -bm25(claims_sourcepassage_fts) AS score
            FROM claims_sourcepassage_fts
            WHERE claims_sourcepassage_fts MATCH %s
            ORDER BY bm25(claims_sourcepassage_fts), rowid
            LIMIT %s
            """,
            [" OR ".join(f'"{term}"' for term in terms), limit],
        )
        return [(int(row[0]), float(row[1])) for row in cursor.fetchall()]


def _postgres_bm25(terms: list[str], limit: int) -> list[tuple[int, float]]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT lex.lexeme, coalesce(s.ndoc, 1)
            FROM (
                SELECT DISTINCT unnest(tsvector_to_array(to_tsvector('english', %s))) AS lexeme
            ) lex
            LEFT JOIN claims_lexeme_stats s ON s.lexeme = lex.lexeme
            """,
            [" ".join(terms)],
        )
        document_frequency = dict(cursor.fetchall())
        if not document_frequency:
            return []
        cursor.execute("SELECT passages, avg_length FROM claims_lexical_corpus LIMIT 1")
        corpus = cursor.fetchone()
        cursor.execute(
            """
            SELECT id, search_vector::text, length(search_vector)
            FROM claims_sourcepassage, to_tsquery('english', %s) AS query
            WHERE search_vector @@ query
            ORDER BY ts_rank(search_vector, query) DESC, id
            LIMIT %s
            """,
            [" | ".join(terms), max(_PG_CANDIDATES_MIN, limit * 3)],
        )
        rows = cursor.fetchall()
    passages, avg_length = corpus if corpus else (max(len(rows), 1), 50.0)
    idf = {
        lexeme: math.log(1 + (passages - ndoc + 0.5) / (ndoc + 0.5))
        for lexeme, ndoc in document_frequency.items()
    }
    scored = []
    for passage_id, vector, length in rows:
        score = 0.0
        for lexeme, positions in _LEXEME_POSITIONS.findall(vector):
            weight = idf.get(lexeme.replace("''", "'"))
            if weight is None:
                continue
            tf = positions.count(",") + 1
            norm = _K1 * (1 - _B + _B * length / (avg_length or 1.0))
            score += weight * tf * (_K1 + 1) / (tf + norm)
        scored.append((int(passage_id), round(score, 4)))
    scored.sort(key=lambda pair: (-pair[1], pair[0]))
    return scored[:limit]


def refresh_lexical_stats() -> None:
    """Recount lexeme document frequencies (PostgreSQL; FTS5 keeps its own). A full scan:
    run it after indexing batches, not per document."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM claims_lexeme_stats")
        cursor.execute(
            """
            INSERT INTO claims_lexeme_stats (lexeme, ndoc)
            SELECT word, ndoc FROM ts_stat('SELECT search_vector FROM claims_sourcepassage')
            """
        )
        cursor.execute("DELETE FROM claims_lexical_corpus")
        cursor.execute(
            """
            INSERT INTO claims_lexical_corpus (passages, avg_length)
            SELECT count(*), coalesce(avg(length(search_vector)), 0) FROM claims_sourcepassage
            """
        )
