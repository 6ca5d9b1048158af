"""The OParl interface on the bench data: a full crawl of the public record, objects per second.

A client that knows only the spec starts at the System object and reads every list of the
body page by page, as a council information system does on its first visit. Beside it, the
HTML meeting page is rendered in the same process (page cache off) for comparison.
"""

import json
import os
import time

from django.conf import settings
from django.db.models.functions import Mod
from django.test import Client
from django.urls import reverse

from meetings.models import Meeting
from members.models import Representative
from oparl.serializers import BODY_LISTS

PAGE_SIZE = int(os.environ.get("BENCH_OPARL_LIMIT", "100"))


def public_record_prepare():
    """The scale data has no public meetings and nobody listed: make a realistic share public.

    Every announced meeting joins the public record and every third current representative
    agrees to be listed. Running it again changes nothing.
    """
    Meeting.objects.exclude(status=Meeting.Status.DRAFT).filter(is_public=False).update(
        is_public=True
    )
    listed = Representative.objects.filter(anonymised_at__isnull=True).alias(third=Mod("pk", 3))
    listed.filter(third=0).filter(listed_in_open_data=False).update(listed_in_open_data=True)


def _path(url):
    return url.removeprefix(settings.SITE_URL)


def crawl(client=None):
    """Reads every list of the body to the end; returns objects, pages and seconds per list."""
    client = client or Client()
    system = json.loads(client.get(reverse("oparl:system")).content)
    body = json.loads(client.get(_path(system["body"])).content)["data"][0]
    lists = {}
    for name in BODY_LISTS:
        objects = pages = 0
        started = time.perf_counter()
        url = f"{_path(body[name])}?limit={PAGE_SIZE}"
        while url:
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")
            page = json.loads(response.content)
            objects += len(page["data"])
            pages += 1
            url = _path(page["links"]["next"]) if "next" in page["links"] else None
        lists[name] = (objects, pages, time.perf_counter() - started)
    return lists


def oparl_crawl(context):
    """For bench/run.py: the crawl, and the HTML meeting page rendered the same way."""
    public_record_prepare()
    lists = crawl()
    objects = sum(count for count, _pages, _seconds in lists.values())
    pages = sum(page_count for _count, page_count, _seconds in lists.values())
    seconds = sum(duration for _count, _pages, duration in lists.values())
    html = Client(HTTP_ACCEPT_LANGUAGE="de")
    html.force_login(context.representative)
    meeting_url = reverse("meetings:detail", args=[context.meeting.pk])
    repeat = 20
    html.get(meeting_url)
    started = time.perf_counter()
    for _ in range(repeat):
        html.get(meeting_url)
    html_seconds = time.perf_counter() - started
    slowest = max(lists, key=lambda name: lists[name][2] / max(lists[name][1], 1))
    return {
        "objects": objects,
        "list pages": pages,
        "seconds": round(seconds, 1),
        "objects/s": round(objects / seconds, 1) if seconds else 0,
        "list pages/s": round(pages / seconds, 1) if seconds else 0,
        "slowest list (ms per page)": f"{slowest} "
        f"{round(1000 * lists[slowest][2] / max(lists[slowest][1], 1), 1)}",
        "HTML meeting page renders/s (same process)": round(repeat / html_seconds, 1),
    }


# (name, callable(context) -> dict), run by bench/run.py beside the other extra benchmarks.
BENCHMARKS = [("OParl crawl of the public record", oparl_crawl)]
