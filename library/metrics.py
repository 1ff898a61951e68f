"""The source library's metrics (README, "Operations"): each external provider's circuit."""

from __future__ import annotations

from prometheus_client import Gauge

# Set by the circuit breaker wherever it decides (in Celery workers), on every call and every
# change. "mostrecent": with several processes, the latest decision wins, whichever process
# made it (with Redis they all share one circuit; without, each process has its own).
PROVIDER_CIRCUIT_OPEN = Gauge(
    "claimdesk_provider_circuit_open",
    "1 while an evidence provider's circuit breaker is open (calls skipped after repeated "
    "failures), 0 when closed; as last seen by a process that called the provider.",
    ["provider"],
    multiprocess_mode="mostrecent",
)
