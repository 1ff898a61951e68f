"""The Celery application: configured from Django settings (CELERY_* names)."""

import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("claimdesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _ann_indexes_before_serving(**_: object) -> None:
    """A worker builds its machine's ANN indexes (or catches them up) before it takes a task:
    one restarted with an empty index directory never answers from nothing (core/ann.py).
    Runs in the main process, before the pool forks; Django is set up by then."""
    from django.db import connections

    from core.ann import ann_indexes_prepare

    ann_indexes_prepare()
    connections.close_all()  # the pool's processes open their own
