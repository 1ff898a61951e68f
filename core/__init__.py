"""The neutral kernel: errors, the guarded HTTP client, text preparation, API plumbing and task
helpers that every app may use. Nothing here imports a product app (tests/test_architecture.py)."""
