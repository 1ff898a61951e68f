"""Benchmarks: `python -m benchmarks.<name> [--json]`. Each reports ratios against a baseline
measured in the same run, because the machines they run on are noisy."""
