"""Fixtures of the pipeline's tests."""

import pytest


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    """Run everything a service enqueues, including what those tasks enqueue in turn."""

    def run(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return run
