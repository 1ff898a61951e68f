"""The lab: training, evaluation and data building for the shipped models and demo data.

Nothing the web or worker processes import may import this package (lab imports the runtime,
never the reverse); the run-time modules only load and apply the models built here.
"""
