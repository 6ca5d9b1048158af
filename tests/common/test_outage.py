"""The per-process outage note and the Redis probe."""

from common.outage import OutageNote, RedisProbe
from realparts import free_port


def test_a_recorded_outage_is_active_for_its_seconds_only():
    note = OutageNote("Redis", seconds=60, consequence="nothing is lost.")
    assert not note.active()

    note.record(TimeoutError())
    assert note.active()

    note.clear()
    assert not note.active()
    assert not OutageNote("Redis", seconds=0, consequence="").active()


def test_the_probe_says_whether_redis_answers():
    assert RedisProbe(f"redis://127.0.0.1:{free_port()}/0", timeout=0.2).answers() is False
    # Brokers other than Redis (the file-system one in development) have nothing to probe.
    assert RedisProbe("filesystem://", timeout=0.2).answers() is True
