"""The source library: reference documents and their passages, earlier fact-checks, and the
search over them (lexical, dense, hybrid) that evidence providers and the API use."""
