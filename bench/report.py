"""The benchmark's table on the terminal."""

# Stolen CPU above this share makes a run's figures incomparable with a quiet run's.
STEAL_WARNING = 0.03


def print_table(results):
    server = results["server"]
    header = (
        f"{'page':<30} {'queries':>7} {'first ms':>9} {'median ms':>10} {'p95 ms':>7} "
        f"{'CPU ms':>7} {'req/s':>7} {'/bare':>6} {'worker CPU ms':>14}"
    )
    print("\n" + header)
    print("-" * len(header))
    for page in results["pages"]:
        print(
            f"{page['name']:<30} {page['queries']:>7} {page['first_ms']:>9.1f} "
            f"{page['median_ms']:>10.1f} {page['p95_ms']:>7.1f} {page['cpu_ms_per_request']:>7.1f} "
            f"{page.get('requests_per_second', 0):>7.1f} "
            f"{page.get('ratio_to_logged_in_bare') or 0:>6.2f} "
            f"{page.get('worker_cpu_ms_per_request') or 0:>14.2f}"
        )
    print(
        f"{'bare view, logged in':<30} {'':>7} {'':>9} {'':>10} {'':>7} {'':>7} "
        f"{server['bare_logged_in']:>7.1f} {1:>6.2f}"
    )
    print(
        f"{'bare view, anonymous':<30} {'':>7} {'':>9} {'':>10} {'':>7} {'':>7} "
        f"{server['bare_anonymous']:>7.1f}"
    )
    print(
        f"gunicorn: {server['workers']} workers, max_requests off; worker RSS after the pages "
        f"{', '.join(f'{size} MiB' for size in server['worker_rss_mb'])}. "
        "median/p95/CPU ms: in-process rendering (no page cache exists); /bare: the page's "
        "req/s over the bare view with the same session, measured right before and after it. "
        "Profiles: var/bench-profiles/."
    )
    for name, values in results["extra"].items():
        print(f"{name}: " + ", ".join(f"{key} {value}" for key, value in values.items()))
    for name, values in results["load_tests"].items():
        print(
            f"load test ({name}): " + ", ".join(f"{key} {value}" for key, value in values.items())
        )
    print(steal_line(results["machine"].get("cpu_steal_share")))


def steal_line(share) -> str:
    if share is None:
        return "CPU steal during the run: unknown (no /proc/stat)."
    line = f"CPU steal during the run: {share:.0%} (time the hypervisor gave to other guests)."
    if share > STEAL_WARNING:
        line += " Above a few per cent the figures are not comparable with a quiet run."
    return line
