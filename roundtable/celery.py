import gc
import os

from celery import Celery
from celery.signals import worker_init, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roundtable.settings")

app = Celery("roundtable")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
@worker_process_init.connect
def _freeze_loaded_objects(**_kwargs):
    """Move what is loaded so far out of the garbage collector's view, as gunicorn's pre_fork
    does for the web workers (roundtable/gunicorn.conf.py).

    Building a mail allocates thousands of short-lived objects (Python's email package parses
    every header), so collections are frequent; without this, each older-generation one also
    walks Django's modules, settings and templates. worker_init runs in the main process
    before the pool forks its children (which inherit the frozen objects and share their
    memory pages); worker_process_init in each child after its own start-up.
    """
    gc.freeze()
