"""The retrieval benchmark runs end to end on a small slice (PostgreSQL phase only)."""

from tests.benchmarks.conftest import requires_postgres


@requires_postgres
def test_small_run_reports_every_figure(shared_data, run_benchmark):
    figures = run_benchmark(
        "retrieval", "--passages", "3000", "--queries", "20", "--embed-sample", "64",
        "--data", str(shared_data),
    )  # fmt: skip
    assert figures["passages"] == 3000
    assert figures["ann_index_size"] == 3000
    assert figures["passages_embedded_by_model"] == 64
    for key in ("index_passages_per_s", "hybrid_p95_ms", "pk_select_p95_ms", "peak_rss_mb"):
        assert figures[key] > 0
    for mode in ("lexical", "dense", "hybrid"):
        assert figures[f"{mode}_p50_ms"] <= figures[f"{mode}_p95_ms"]
