"""External evidence providers (each behind ResilientProvider; see claims.evidence.base)."""
