import pytest

from roundtable.celery import app as celery_app


@pytest.fixture
def eager_celery():
    """Run Celery tasks in the test process, right when they are queued."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous
