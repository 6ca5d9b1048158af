"""Requests per second, CPU time and memory under gunicorn, measured with wrk.

One gunicorn with a fixed number of workers (environment.WORKERS) and worker recycling off
serves every figure. Before each page the bare view is measured twice, anonymously and with
the page's own session cookie (session, authentication and CSRF middleware cost about half
of the bare view's speed), and after the page once more with the cookie; the page's ratio is
taken to the mean of the logged-in bare view right before and right after it.
"""

import http.client
import re
import shutil
import subprocess
import time

from bench.environment import BARE_SECONDS, VAR, WORKERS, WRK_SECONDS
from realparts import Gunicorn


def wrk(url, cookie=None, seconds=None):
    """(requests per second, requests, non-2xx/3xx answers) of `wrk -t2 -c16`."""
    wrk_binary = shutil.which("wrk")
    if wrk_binary is None:
        raise RuntimeError("wrk is missing (apt-get install wrk); make bench installs it as root")
    command = [wrk_binary, "-t2", "-c16", f"-d{seconds or WRK_SECONDS}s", "--latency", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return rate, requests, int(errors.group(1)) if errors else 0


def answer_status(port, path, cookie):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Cookie": cookie or ""})
        return connection.getresponse().status
    finally:
        connection.close()


def _measured(server, url, cookie, seconds):
    """wrk's figures plus the workers' CPU milliseconds per request during the run."""
    cpu_before = server.workers_cpu_seconds()
    rate, requests, errors = wrk(url, cookie=cookie, seconds=seconds)
    cpu_ms = (server.workers_cpu_seconds() - cpu_before) * 1000 / requests if requests else None
    return rate, errors, round(cpu_ms, 2) if cpu_ms is not None else None


def measure_throughput(context, page_results):
    server = Gunicorn(workers=WORKERS, log_path=VAR / "bench-gunicorn.log")
    bare_url = f"{server.url}/bench/bare"
    anonymous_rates, logged_in_rates = [], []
    try:
        wrk(bare_url, seconds=1)
        for result in page_results:
            cookie = context.cookie_for(result["role"])
            # wrk counts redirects as answers: make sure the page itself is served.
            status = answer_status(server.port, result["url"], cookie)
            if status != 200:
                raise RuntimeError(f"{result['name']} answered {status}, not 200")
            anonymous, _, _ = wrk(bare_url, seconds=BARE_SECONDS)
            logged_in, _, _ = wrk(bare_url, cookie=cookie, seconds=BARE_SECONDS)
            anonymous_rates.append(anonymous)
            logged_in_rates.append(logged_in)
            # Every worker renders the page once before it is measured (template caches).
            wrk(server.url + result["url"], cookie=cookie, seconds=1)
            rate, errors, cpu_ms = _measured(
                server, server.url + result["url"], cookie, WRK_SECONDS
            )
            # The host's speed drifts within seconds (one run saw the logged-in bare view at
            # 346 and 690 req/s a minute apart): the page's share is taken to the mean of the
            # bare view right before and right after it.
            logged_in_after, _, _ = wrk(bare_url, cookie=cookie, seconds=BARE_SECONDS)
            logged_in_rates.append(logged_in_after)
            bracket = (logged_in + logged_in_after) / 2
            result.update(
                requests_per_second=round(rate, 1),
                bare_anonymous_requests_per_second=round(anonymous, 1),
                bare_logged_in_requests_per_second=round(bracket, 1),
                bare_logged_in_before_after=[round(logged_in, 1), round(logged_in_after, 1)],
                ratio_to_logged_in_bare=round(rate / bracket, 3) if bracket else None,
                worker_cpu_ms_per_request=cpu_ms,
                non_2xx=errors,
            )
            time.sleep(0.2)
        rss = server.workers_rss_mb()
    finally:
        server.stop()
    return {
        "workers": WORKERS,
        "max_requests": 0,
        "bare_anonymous": round(_median(anonymous_rates), 1),
        "bare_logged_in": round(_median(logged_in_rates), 1),
        "worker_rss_mb": rss,
    }


def _median(values):
    ordered = sorted(values)
    return ordered[len(ordered) // 2] if ordered else 0
