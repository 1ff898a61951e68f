"""External evidence providers (each behind ResilientProvider; see library.evidence.base)."""
