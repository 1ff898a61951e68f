"""Lexical search over library passages: PostgreSQL full-text search or SQLite FTS5.

Queries are the claim's informative terms OR-ed together (a claim rarely shares all its
words with the passage that supports it). Both engines rank by BM25: SQLite FTS5 natively;
on PostgreSQL the GIN index finds candidates and BM25 re-ranks them with the document
frequencies kept in `claims_lexeme_stats` (refreshed by `refresh_lexical_stats`).

On PostgreSQL the candidates come from the query's rarest terms only, as many as fit in a
budget of postings (CANDIDATE_POSTINGS): rare terms carry most of BM25's weight, and ranking
every passage that shares a common word with the claim (hundreds of thousands at a million
passages) is what made the first version slow.
"""

from __future__ import annotations

import math
import re

from django.db import connection

from library.evidence.terms import query_terms

_FTS_SAFE = re.compile(r"[^\w]+", re.UNICODE)
_K1, _B = 1.2, 0.75
# Candidates the PostgreSQL path re-ranks, per result asked for (and at least this many).
_PG_CANDIDATES_MIN = 300
# Postings (passages per term, summed) the candidate query may read: the rarest terms that fit,
# or the rarest alone, and never more than this many rows (a claim made only of common words
# then ranks an arbitrary sample of their passages: it has nothing better to go on).
CANDIDATE_POSTINGS = 1000


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
        passages, avg_length = cursor.fetchone() or (1, 50.0)
        idf = {
            lexeme: math.log(1 + max(passages - ndoc + 0.5, 0.5) / (ndoc + 0.5))
            for lexeme, ndoc in document_frequency.items()
        }
        # BM25 in the database over the best candidates by ts_rank: only each candidate's
        # matching lexemes travel back, not its whole tsvector.
        cursor.execute(
            """
            WITH matched AS (
                SELECT id, search_vector
                FROM claims_sourcepassage, to_tsquery('simple', %(rare)s) AS rare
                WHERE search_vector @@ rare
                LIMIT %(postings)s
            ), candidates AS (
                SELECT id, search_vector
                FROM matched, to_tsquery('english', %(query)s) AS query
                ORDER BY ts_rank(search_vector, query) DESC, id
                LIMIT %(candidates)s
            ), weights AS (
                SELECT * FROM unnest(%(lexemes)s::text[], %(idf)s::float8[]) AS w(lexeme, idf)
            )
            SELECT c.id, round(sum(
                w.idf * t.tf * (%(k1)s + 1)
                / (t.tf + %(k1)s * (1 - %(b)s + %(b)s * length(c.search_vector) / %(avg)s))
            )::numeric, 4)::float8 AS score
            FROM candidates c
            CROSS JOIN LATERAL (
                SELECT lexeme, coalesce(array_length(positions, 1), 1) AS tf
                FROM unnest(c.search_vector)
            ) t
            JOIN weights w ON w.lexeme = t.lexeme
            GROUP BY c.id
            ORDER BY score DESC, c.id
            LIMIT %(limit)s
            """,
            {
                "rare": " | ".join(_rarest(document_frequency)),
                "query": " | ".join(terms),
                "postings": CANDIDATE_POSTINGS,
                "candidates": max(_PG_CANDIDATES_MIN, limit * 3),
                "lexemes": list(idf),
                "idf": list(idf.values()),
                "k1": _K1,
                "b": _B,
                "avg": avg_length or 1.0,
                "limit": limit,
            },
        )
        return [(int(pid), float(score)) for pid, score in cursor.fetchall()]


def _rarest(document_frequency: dict[str, int]) -> list[str]:
    """The query's lexemes, rarest first, while their postings fit in CANDIDATE_POSTINGS.
    They are already stemmed: quoted, for to_tsquery with the `simple` configuration."""
    chosen: list[str] = []
    postings = 0
    for lexeme, ndoc in sorted(document_frequency.items(), key=lambda item: (item[1], item[0])):
        if chosen and postings + ndoc > CANDIDATE_POSTINGS:
            break
        chosen.append("'" + lexeme.replace("'", "''") + "'")
        postings += ndoc
    return chosen


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
