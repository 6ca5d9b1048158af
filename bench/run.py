"""`make bench`: scale data, per-page queries and timings, throughput under gunicorn, load test.

Runs on PostgreSQL (BENCH_DATABASE_URL, default a local `roundtable_bench` database), prints one
table and writes bench/results.json. Targets (goals, not assertions): at most 15 queries per key
page, at least 25 % of the bare view's throughput, search p95 under 100 ms.
"""

import http.client
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/roundtable_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/12"
REQUESTS_PER_PAGE = int(os.environ.get("BENCH_REQUESTS", "30"))
WRK_SECONDS = int(os.environ.get("BENCH_WRK_SECONDS", "5"))
BARE_SECONDS = int(os.environ.get("BENCH_BARE_SECONDS", "3"))
LOAD_SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "60"))
LOAD_USERS = int(os.environ.get("BENCH_LOAD_USERS", "50"))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values, fraction):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def setup_environment():
    # A database of its own: the scale data must never land in a development database.
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL)
    os.environ.pop("CACHE_URL", None)
    os.environ["BENCHMARK_ENDPOINTS"] = "true"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    # Plain HTTP on loopback: no HTTPS redirect, cookies without the Secure flag.
    for name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"):
        os.environ[name] = "false"
    os.environ["SECURE_HSTS_SECONDS"] = "0"
    # As recommended for production (README): keep database connections between requests.
    os.environ.setdefault("CONN_MAX_AGE", "60")
    os.environ.setdefault("STATIC_ROOT", str(ROOT / "var" / "bench-static"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roundtable.settings")
    database = os.environ["DATABASE_URL"]
    name = database.rsplit("/", 1)[-1]
    server = database.rsplit("/", 1)[0] + "/postgres"
    import psycopg
    from psycopg import sql

    with psycopg.connect(server, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def main():
    setup_environment()
    import django

    django.setup()
    from django.core.management import call_command

    started = time.monotonic()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("generate_scale_data")
    from django.core.cache import cache

    # The benchmark's own Redis database: start every run with an empty cache.
    cache.clear()
    from bench import oparl, pages

    context = pages.bench_context()
    page_results = pages.measure_pages(context, REQUESTS_PER_PAGE)
    throughput = measure_throughput(context, page_results)
    extra = {}
    for name, runner in [*pages.EXTRA_BENCHMARKS, *oparl.BENCHMARKS]:
        print(f"Running {name} ...", flush=True)
        extra[name] = runner(context)
    load = run_load_test(context)
    results = {
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "cores": os.cpu_count(),
            "date": time.strftime("%Y-%m-%d"),
        },
        "pages": page_results,
        "bare_requests_per_second": throughput["bare"],
        "extra": extra,
        "load_test": load,
        "duration_seconds": round(time.monotonic() - started),
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print_table(results)
    print(f"\nResults written to {RESULTS.relative_to(ROOT)}")


def start_gunicorn(port, workers=None, extra_env=None):
    env = {
        **os.environ,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_ACCESSLOG": "",
        **(extra_env or {}),
    }
    if workers:
        env["GUNICORN_WORKERS"] = str(workers)
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        str(ROOT / "roundtable" / "gunicorn.conf.py"),
        "--no-control-socket",
        "roundtable.wsgi",
    ]
    log_path = ROOT / "var" / "bench-gunicorn.log"
    log_path.parent.mkdir(exist_ok=True)
    with open(log_path, "ab") as log:
        process = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True
        )
    if wait_until_answering(port, timeout=120):
        return process
    process.kill()
    raise RuntimeError("gunicorn did not start; see var/bench-gunicorn.log")


def wait_until_answering(port, timeout=60, answers=20):
    """Wait until the server answers `answers` health checks in a row, each within a second.

    Before the first measurement the workers are starting; after a measurement of many
    requests (the bare view) workers are being recycled (max_requests). Neither belongs in
    the next measurement.
    """
    in_a_row = 0
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and in_a_row < answers:
        started = time.monotonic()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:  # noqa: S310
                fast = answer.status == 200 and time.monotonic() - started < 1
                in_a_row = in_a_row + 1 if fast else 0
        except OSError:
            in_a_row = 0
            time.sleep(0.3)
    return in_a_row >= answers


def stop(process):
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def answer_status(port, path, cookie):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Cookie": cookie})
        return connection.getresponse().status
    finally:
        connection.close()


def wrk(url, cookie=None, seconds=None):
    wrk_binary = shutil.which("wrk")
    if wrk_binary is None:
        raise RuntimeError("wrk is missing (apt-get install wrk); make bench installs it as root")
    command = [wrk_binary, "-t2", "-c16", f"-d{seconds or WRK_SECONDS}s", "--latency", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return rate, int(errors.group(1)) if errors else 0


def measure_throughput(context, page_results):
    """Requests per second under gunicorn: as configured for production (with the page cache)
    and with the page cache turned off, which measures rendering alone.

    The bare view is measured right before each page and the page's ratio taken to that run:
    on a shared 2-core machine the bare figure alone drifts by a third from minute to minute.
    """
    bare_rates = []
    for suffix, extra_env in (("", {}), ("_rendered", {"PAGE_CACHE_SECONDS": "0"})):
        port = free_port()
        server = start_gunicorn(port, extra_env=extra_env)
        try:
            base = f"http://127.0.0.1:{port}"
            wrk(f"{base}/bench/bare", seconds=1)
            for result in page_results:
                wait_until_answering(port)
                bare, _ = wrk(f"{base}/bench/bare", seconds=BARE_SECONDS)
                bare_rates.append(bare)
                wait_until_answering(port)
                cookie = context.cookie_for(result["role"])
                # wrk counts redirects as answers: make sure the page itself is served.
                status = answer_status(port, result["url"], cookie)
                if status != 200:
                    raise RuntimeError(f"{result['name']} answered {status}, not 200")
                # Every worker renders the page once before it is measured (template caches).
                wrk(base + result["url"], cookie=cookie, seconds=1)
                rate, errors = wrk(base + result["url"], cookie=cookie)
                result[f"requests_per_second{suffix}"] = round(rate, 1)
                result[f"bare_requests_per_second{suffix}"] = round(bare, 1)
                result[f"ratio_to_bare{suffix}"] = round(rate / bare, 3) if bare else None
                result[f"non_2xx{suffix}"] = errors
        finally:
            stop(server)
    return {"bare": round(statistics.median(bare_rates), 1)}


def run_load_test(context):
    from bench import load
    from bench.notifications import start_worker, stop_worker

    port = free_port()
    server = start_gunicorn(port)
    worker = start_worker(
        env=os.environ.copy(), log_path=ROOT / "var" / "bench-worker.log", concurrency=2
    )
    try:
        return load.run(context, f"http://127.0.0.1:{port}", LOAD_USERS, LOAD_SECONDS)
    finally:
        stop(server)
        stop_worker(worker)


def print_table(results):
    header = (
        f"{'page':<30} {'queries':>7} {'first ms':>9} {'median ms':>10} {'p95 ms':>7} "
        f"{'cached ms':>10} {'req/s':>7} {'/bare':>6} {'rendered req/s':>15} {'/bare':>6}"
    )
    print("\n" + header)
    print("-" * len(header))
    for page in results["pages"]:
        print(
            f"{page['name']:<30} {page['queries']:>7} {page['first_ms']:>9.1f} "
            f"{page['median_ms']:>10.1f} {page['p95_ms']:>7.1f} {page['cached_median_ms']:>10.1f} "
            f"{page.get('requests_per_second', 0):>7.1f} {page.get('ratio_to_bare') or 0:>6.2f} "
            f"{page.get('requests_per_second_rendered', 0):>15.1f} "
            f"{page.get('ratio_to_bare_rendered') or 0:>6.2f}"
        )
    print(
        f"{'bare Django view':<30} {0:>7} {'':>9} {'':>10} {'':>7} {'':>10} "
        f"{results['bare_requests_per_second']:>7.1f} {1:>6.2f}"
        "  (median of the runs before each page)"
    )
    print(
        "median/p95: rendering (page cache off); cached: a repeated request by the same viewer; "
        "req/s with the page cache (production) and rendered (page cache off)."
    )
    for name, values in results["extra"].items():
        print(f"{name}: " + ", ".join(f"{key} {value}" for key, value in values.items()))
    load_result = results["load_test"]
    print("load test: " + ", ".join(f"{key} {value}" for key, value in load_result.items()))


if __name__ == "__main__":
    main()
