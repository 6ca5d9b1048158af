"""The benchmark reports how much CPU the hypervisor took for other guests during a run."""

from bench.environment import cpu_times, steal_share
from bench.report import steal_line

BEFORE = "cpu  1000 0 500 8000 100 0 0 400 0 0\ncpu0 500 0 250 4000 50 0 0 200 0 0\n"
AFTER = "cpu  1600 0 700 8200 100 0 0 1400 0 0\ncpu0 800 0 350 4100 50 0 0 700 0 0\n"


def test_cpu_times_reads_steal_and_total_of_all_cpus():
    assert cpu_times(BEFORE) == (400, 10000)


def test_steal_share_is_stolen_ticks_over_all_ticks_between_readings():
    # 2,000 ticks passed, 1,000 of them stolen.
    assert steal_share(cpu_times(BEFORE), cpu_times(AFTER)) == 0.5


def test_steal_share_is_unknown_without_readings():
    assert steal_share(None, cpu_times(AFTER)) is None


def test_report_warns_when_much_was_stolen():
    assert "not comparable" in steal_line(0.4)
    assert "not comparable" not in steal_line(0.01)
    assert "unknown" in steal_line(None)


def test_cpu_times_of_this_linux_machine_are_consistent():
    steal, total = cpu_times()

    assert 0 <= steal <= total
