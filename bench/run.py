"""`make bench`: scale data, per-page queries, timings and profiles, throughput under gunicorn,
mail throughput and load tests (with and without a Redis outage).

The entry point only: each measurement lives in its own module (environment, pages,
throughput, notifications, load, report), and none of them imports this one. Runs on
PostgreSQL (BENCH_DATABASE_URL, default a local `roundtable_bench` database), prints one table
and writes bench/results.json; profiles go to var/bench-profiles/. Targets (reported, not
asserted): every key page within 15 queries and at least 15 % of the bare view served to the
same logged-in viewer; search p95 under 100 ms; 0 5xx and 0 lost answers under load, also
while Redis is down.
"""

import json
import os
import platform
import time

from bench import markdown
from bench.environment import (
    LOAD_SECONDS,
    LOAD_USERS,
    REDIS_OUTAGE_SECONDS,
    REQUESTS_PER_PAGE,
    RESULTS,
    ROOT,
    VAR,
    WORKERS,
    cpu_times,
    freeze_like_a_worker,
    setup_environment,
    steal_share,
)


def main():
    setup_environment()
    import django  # noqa: PLC0415 - settings come from the environment set just above

    django.setup()
    # Everything below needs configured settings.
    from django.core.cache import cache  # noqa: PLC0415
    from django.core.management import call_command  # noqa: PLC0415
    from django.db import connection  # noqa: PLC0415

    from bench import oparl, pages, report, throughput  # noqa: PLC0415

    started = time.monotonic()
    cpu_at_start = cpu_times()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("generate_scale_data")
    # Measure the tables as autovacuum leaves them: a migration that rewrote rows since the
    # last run (or an earlier benchmark's deletions) would otherwise leave dead rows that
    # every scan steps over.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    # The benchmark's own Redis database: start every run with an empty cache.
    cache.clear()

    context = pages.bench_context()
    freeze_like_a_worker()
    page_results = pages.measure_pages(context, REQUESTS_PER_PAGE)
    server = throughput.measure_throughput(context, page_results)
    extra = {}
    for name, runner in [*pages.EXTRA_BENCHMARKS, *oparl.BENCHMARKS]:
        print(f"Running {name} ...", flush=True)
        extra[name] = runner(context)
    extra["adversarial Markdown, 100 KB each (goal < 50 ms)"] = markdown.measure()
    load_tests = run_load_tests(context)
    results = {
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "cores": os.cpu_count(),
            "date": time.strftime("%Y-%m-%d"),
            # On a shared host other guests can take much of the CPU; figures of runs with
            # more than a few per cent stolen are not comparable with quiet runs.
            "cpu_steal_share": _rounded(steal_share(cpu_at_start, cpu_times())),
        },
        "server": server,
        "pages": page_results,
        "extra": extra,
        "load_tests": load_tests,
        "duration_seconds": round(time.monotonic() - started),
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    report.print_table(results)
    print(f"\nResults written to {RESULTS.relative_to(ROOT)}")


def _rounded(share):
    return None if share is None else round(share, 3)


def run_load_tests(context):
    """The load test twice against a portal on a private Redis: as is, then with that Redis
    stopped for REDIS_OUTAGE_SECONDS in the middle."""
    from bench import load  # noqa: PLC0415 - needs configured settings (see main)
    from realparts import Gunicorn, RedisServer, Worker  # noqa: PLC0415 - imports the Celery app

    folder = VAR / "bench-redis"
    folder.mkdir(parents=True, exist_ok=True)
    results = {}
    with RedisServer(folder) as redis_server:
        env = {**os.environ, "REDIS_URL": redis_server.url}
        server = Gunicorn(workers=WORKERS, log_path=VAR / "bench-gunicorn.log", env=env)
        worker = Worker(env=env, log_path=VAR / "bench-worker.log", concurrency=2, name="bench")
        try:
            print("Running the load test ...", flush=True)
            results["redis up"] = load.run(context, server.url, LOAD_USERS, LOAD_SECONDS)
            print(
                f"Running the load test with Redis stopped for {REDIS_OUTAGE_SECONDS} s ...",
                flush=True,
            )
            events = []
            outage = load.redis_outage(
                redis_server,
                after=max(0, (LOAD_SECONDS - REDIS_OUTAGE_SECONDS) / 2),
                seconds=REDIS_OUTAGE_SECONDS,
                log=events,
            )
            results[f"redis stopped for {REDIS_OUTAGE_SECONDS} s"] = load.run(
                context, server.url, LOAD_USERS, LOAD_SECONDS, meanwhile=outage
            )
        finally:
            server.stop()
            worker.stop(graceful=True)
    return results


if __name__ == "__main__":
    main()
