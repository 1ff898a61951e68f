"""The lab's one scheduled task: retrain the linear check-worthiness model on reviewer labels.

Safe to run twice (two beat runs, a redelivery): the work takes a lock row first
(claims.services.feedback.checkworthiness_training_start), and a run that finds it held, or
too few new labels, does nothing.
"""

from __future__ import annotations

from celery import shared_task

from lab.feedback import checkworthiness_retrain_if_due


@shared_task(name="lab.checkworthiness_retrain", acks_late=True)
def checkworthiness_retrain() -> None:
    checkworthiness_retrain_if_due()
