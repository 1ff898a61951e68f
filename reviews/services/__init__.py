"""Writes of the review queue. Every change to a claim's review goes through these services,
which check roles, leases, the workflow and versions, and append to the activity log."""
