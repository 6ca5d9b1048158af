"""Library search at scale: cold and warm latency, and quality on the judged query set.

Cold: every request follows a change to the library (an example re-indexed through the
services, which moves the library version on) with the cache emptied, so nothing a previous
search computed can help. Warm: the same request repeated. Both with the page cache off.

`python -m bench.search` runs only this part on the benchmark database (scale data must
exist: `make bench` or `manage.py generate_scale_data`).
"""

import os
import time

from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils.http import urlencode

from bench.environment import freeze_like_a_worker

REPEAT = int(os.environ.get("BENCH_SEARCH_REPEAT", "20"))
QUERIES = [
    ("common word", {"q": "Neubürger"}),
    ("rare word", {"q": "Streuobstwiesenpatenschaft"}),
    ("part of compounds", {"q": "Tasche"}),
    ("transcription", {"q": "Fachkraefte"}),
    ("typo", {"q": "Wilkommenstasche"}),
    ("two words and a filter", {"q": "Fachkräfte Jobmesse", "einwohner": "10000-20000"}),
]


def _p95(values):
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 1)


def _library_change(practice_id):
    # `python -m bench.search` runs this module before main() has set Django up, so the
    # models (and the corpus, which imports them) are imported only when a part runs.
    from practices.services import practice_search_index_update  # noqa: PLC0415 - see above

    with transaction.atomic():
        practice_search_index_update(practice_ids=[practice_id])
    cache.clear()


def _time(client, url):
    start = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - start) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return elapsed


def search_latency(context) -> dict:
    from practices.models import Practice  # noqa: PLC0415 - before django.setup(), see above

    changed = Practice.objects.order_by("pk").values_list("pk", flat=True).first()
    client = Client(HTTP_ACCEPT_LANGUAGE="de")
    client.force_login(context.representative)
    # As in a gunicorn worker (roundtable/gunicorn.conf.py): what was loaded at start is out
    # of the collector's way, and the process has answered a search before (its templates
    # compiled, the compound splitter loaded). Every cold figure still follows a change to
    # the library with the cache emptied.
    freeze_like_a_worker()
    _time(client, f"{reverse('practices:list')}?{urlencode({'q': 'Einarbeitung'})}")
    figures = {}
    cold_all, warm_all = [], []
    for name, params in QUERIES:
        url = f"{reverse('practices:list')}?{urlencode(params)}"
        cold = []
        for _ in range(REPEAT):
            _library_change(changed)
            cold.append(_time(client, url))
        warm = [_time(client, url) for _ in range(REPEAT)]
        cold_all += cold
        warm_all += warm
        figures[f"{name} p95 ms cold/warm"] = f"{_p95(cold)}/{_p95(warm)}"
        print(f"  search, {name}: p95 {_p95(cold)} ms cold, {_p95(warm)} ms warm", flush=True)
    figures["all searches p95 ms cold"] = _p95(cold_all)
    figures["all searches p95 ms warm"] = _p95(warm_all)
    # A search-free page measured right after, as a yardstick of the machine's load.
    url = reverse("practices:detail", args=[Practice.objects.values_list("slug").first()[0]])
    figures["practice page p95 ms (yardstick)"] = _p95([_time(client, url) for _ in range(REPEAT)])
    return figures


def search_quality_at_scale(context) -> dict:
    """The judged query set over the fixed corpus, loaded next to the scale data and
    rolled back afterwards (only the corpus's examples are counted)."""
    from tests.practices.search_corpus import corpus_load, search_quality  # noqa: PLC0415 - as above

    with transaction.atomic():
        corpus_load()
        quality = search_quality(user=context.representative)
        transaction.set_rollback(True)
    return {
        "queries": len(quality.outcomes),
        "recall@10": round(quality.recall_at_10, 3),
        "MRR": round(quality.mrr, 3),
    }


def main():
    from bench.environment import setup_environment  # noqa: PLC0415 - a standalone entry point

    setup_environment()
    import django  # noqa: PLC0415 - settings come from the environment set just above

    django.setup()
    from django.core.management import call_command  # noqa: PLC0415 - needs django.setup()

    from bench import pages  # noqa: PLC0415 - imports the models: needs django.setup()

    call_command("collectstatic", interactive=False, verbosity=0)

    context = pages.bench_context()
    print(search_latency(context))
    print(search_quality_at_scale(context))


if __name__ == "__main__":
    main()
