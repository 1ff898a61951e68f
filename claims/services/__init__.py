"""Writes. Each step of the pipeline is one module: articles (submit, retry), pipeline (the
steps a worker runs), sources (the evidence library)."""
