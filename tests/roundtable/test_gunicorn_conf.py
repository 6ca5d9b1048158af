import gc
import runpy
from pathlib import Path

import pytest

CONF = Path(__file__).resolve().parents[2] / "roundtable" / "gunicorn.conf.py"


@pytest.fixture
def conf(monkeypatch):
    for name in ("GUNICORN_MAX_REQUESTS", "GUNICORN_WORKERS", "GUNICORN_ACCESSLOG"):
        monkeypatch.delenv(name, raising=False)
    return runpy.run_path(str(CONF))


def test_preloaded_objects_are_frozen_before_each_fork(conf):
    gc.unfreeze()
    try:
        conf["pre_fork"](None, None)

        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_workers_are_recycled_unless_turned_off(conf, monkeypatch):
    assert conf["preload_app"] is True
    assert conf["max_requests"] == 2000
    monkeypatch.setenv("GUNICORN_MAX_REQUESTS", "0")
    assert runpy.run_path(str(CONF))["max_requests"] == 0
