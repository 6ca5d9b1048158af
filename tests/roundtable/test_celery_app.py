import gc

from celery.signals import worker_init, worker_process_init

from roundtable import celery


def test_worker_processes_freeze_what_they_loaded_when_they_start():
    for signal in (worker_init, worker_process_init):
        receivers = [receiver() for _key, receiver in signal.receivers]
        assert celery._freeze_loaded_objects in receivers
    gc.unfreeze()
    try:
        celery._freeze_loaded_objects()

        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
