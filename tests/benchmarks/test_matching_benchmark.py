"""The matching benchmark runs end to end on a few thousand reviewed claims (PostgreSQL)."""

from tests.benchmarks.conftest import requires_postgres

KEYS = (
    "claims",
    "real_embeddings",
    "synthetic_vectors",
    "index_build_s",
    "match_p50_ms",
    "match_p95_ms",
    "brute_force_p95_ms",
    "recall_at_1",
)


@requires_postgres
def test_small_run_matches_as_brute_force_does(shared_data, run_benchmark):
    figures = run_benchmark(
        "matching", "--claims", "3000", "--queries", "40", "--real", "300", "--fresh", "20",
        "--data", str(shared_data),
    )  # fmt: skip
    assert all(key in figures for key in KEYS), figures
    assert figures["claims"] == 3020
    assert figures["real_embeddings"] == 300
    assert figures["synthetic_vectors"] == 2720
    assert figures["index_size"] == 3000  # the 20 reviewed later are found by freshness
    assert figures["index_refresh_added"] == 20
    assert figures["recall_at_1"] >= 0.99
    assert figures["brute_force_queries"] == figures["queries"] == 40
    assert 0 < figures["match_p50_ms"] <= figures["match_p95_ms"]
