"""The key pages of the benchmark and how each is measured in-process."""

import cProfile
import io
import pstats
import re
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from bench.environment import PROFILES, percentile
from bench.notifications import (
    invitation_request_1000,
    invitations_to_1000,
    reminder_sweep_2000,
)
from bench.search import search_latency, search_quality_at_scale
from meetings.models import Invitation, Meeting
from members.models import Municipality, Representative, User
from members.permissions import STAFF_GROUP_NAME
from practices.models import Topic

PROFILE_TOP = 8


@dataclass
class BenchContext:
    staff: User
    representative: User
    meeting: Meeting
    municipality: Municipality
    load_users: list = field(default_factory=list)
    cookies: dict = field(default_factory=dict)

    def cookie_for(self, role):
        return self.cookies.get(role)


def _user(email, **extra):
    user, _ = User.objects.get_or_create(email=email, defaults=extra)
    return user


def _session_cookie(user):
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.set_expiry(24 * 3600)
    session.save()
    # A browser that has seen one page with a form also sends its CSRF cookie.
    return (
        f"{settings.SESSION_COOKIE_NAME}={session.session_key}; "
        f"{settings.CSRF_COOKIE_NAME}={_get_new_csrf_string()}; django_language=de"
    )


def bench_context(load_users=50):
    """The users, meeting and sessions the measurements use.

    It writes to the benchmark's database, and only there: a staff user with a second
    factor, one representative user per load-test user linked to an invited person, and the
    invitations the next meeting lacks for them. Rows that exist are reused; each run adds
    only fresh sessions, which expire after a day.
    """
    staff = _user("bench-staff@example.org", is_staff=True)
    staff.groups.add(Group.objects.get(name=STAFF_GROUP_NAME))
    # Staff must have a second factor before any page but the enrolment answers
    # (members.middleware); the check costs each staff request one query, as in production.
    if not Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(staff, generate_totp_secret())
    # The next meeting still to come: a meeting that has started takes no more answers.
    meeting = (
        Meeting.objects.filter(status=Meeting.Status.SCHEDULED, starts_at__gt=timezone.now())
        .order_by("starts_at")
        .first()
    )
    # One invitation per load-test user, so that no two users answer the same one.
    invited = set(
        Invitation.objects.filter(meeting=meeting).values_list("representative", flat=True)
    )
    missing = load_users - len(invited)
    if missing > 0:
        extra = Representative.objects.exclude(pk__in=invited).order_by("pk")[:missing]
        Invitation.objects.bulk_create(
            [
                Invitation(
                    meeting=meeting, representative=person, on_behalf_of_id=person.municipality_id
                )
                for person in extra
            ]
        )
    invitations = list(
        Invitation.objects.filter(meeting=meeting)
        .select_related("representative")
        .order_by("pk")[:load_users]
    )
    people = []
    for index, invitation in enumerate(invitations):
        user = _user(f"bench-vertretung{index}@example.org")
        Representative.objects.filter(pk=invitation.representative_id).update(user=user)
        people.append((user, invitation))
    representative_user, invitation = people[0]
    context = BenchContext(
        staff=staff,
        representative=representative_user,
        meeting=meeting,
        municipality=invitation.on_behalf_of,
        load_users=[
            {"cookie": _session_cookie(user), "invitation": invitation.pk}
            for user, invitation in people
        ],
    )
    context.cookies = {
        "staff": _session_cookie(staff),
        "representative": _session_cookie(representative_user),
    }
    return context


def key_pages(context):
    """(name, role, url) of each key page; a page whose route is missing fails the run."""
    meeting, municipality = context.meeting, context.municipality
    topic_slug, district_prefix = _filter_values()
    return [
        ("start page", "representative", reverse("home")),
        ("meeting list", "representative", reverse("meetings:list")),
        ("meeting detail", "representative", reverse("meetings:detail", args=[meeting.pk])),
        ("response overview", "staff", reverse("meetings:responses", args=[meeting.pk])),
        (
            "practice list, two filters",
            "representative",
            f"{reverse('practices:list')}?thema={topic_slug}&kreis={district_prefix}",
        ),
        (
            "practice search, common word",
            "representative",
            f"{reverse('practices:list')}?{urlencode({'q': 'Neubürger'})}",
        ),
        (
            "practice search, rare word",
            "representative",
            f"{reverse('practices:list')}?q=Streuobstwiesenpatenschaft",
        ),
        (
            "municipality page",
            "representative",
            reverse("members:municipality_detail", args=[municipality.slug]),
        ),
        ("member directory", "representative", reverse("members:directory")),
    ]


def _filter_values():
    topic = Topic.objects.order_by("pk").first()
    municipality = Municipality.objects.get(name="Werdohl")
    return topic.slug, municipality.district.ags_prefix


def _timings(client, url, repeat):
    """Median and 95th percentile wall-clock ms, and CPU ms per request, of `repeat` requests."""
    timings = []
    cpu_started = time.process_time()
    for _ in range(repeat):
        start = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
    cpu_ms = (time.process_time() - cpu_started) * 1000 / repeat
    return (
        round(statistics.median(timings), 1),
        round(percentile(timings, 0.95), 1),
        round(cpu_ms, 1),
    )


def _profile(client, url, name, repeat):
    """cProfile of `repeat` requests: the top functions by own time, printed and saved.

    var/bench-profiles/<page>.txt holds the full listing (own and cumulative time) and
    <page>.prof the raw data (e.g. for snakeviz).
    """
    PROFILES.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        client.get(url)
    profiler.disable()
    profiler.dump_stats(PROFILES / f"{slug}.prof")
    listing = io.StringIO()
    stats = pstats.Stats(profiler, stream=listing)
    stats.sort_stats("tottime").print_stats(40)
    stats.sort_stats("cumulative").print_stats(40)
    (PROFILES / f"{slug}.txt").write_text(listing.getvalue())
    total = sum(entry[2] for entry in stats.stats.values())
    top = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)[:PROFILE_TOP]
    return [
        {
            "function": f"{Path(filename).name}:{line}({function})",
            "own_ms_per_request": round(own * 1000 / repeat, 2),
            "share": round(own / total, 3) if total else 0,
        }
        for (filename, line, function), (_calls, _primitive, own, _cumulative, _callers) in top
    ]


def measure_pages(context, repeat):
    """Per page: the first request (cold caches), then repeated rendering and a profile."""
    # As in Django's test runner: keep one connection, so the queries of a request are seen.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    results = []
    for name, role, url in key_pages(context):
        client = Client(HTTP_ACCEPT_LANGUAGE="de")
        client.force_login(context.staff if role == "staff" else context.representative)
        start = time.perf_counter()
        response = client.get(url)  # the first request fills caches
        first_ms = (time.perf_counter() - start) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"{name}: {url} answered {response.status_code}")
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        # Counted now: the next request empties the connection's query log.
        query_count = len(queries)
        median_ms, p95_ms, cpu_ms = _timings(client, url, repeat)
        profile = _profile(client, url, name, max(5, repeat // 3))
        results.append(
            {
                "name": name,
                "role": role,
                "url": url,
                "queries": query_count,
                "first_ms": round(first_ms, 1),
                "median_ms": median_ms,
                "p95_ms": p95_ms,
                "cpu_ms_per_request": cpu_ms,
                "profile_top": profile,
            }
        )
        print(
            f"  {name}: {query_count} queries, median {median_ms} ms, {cpu_ms} ms CPU; "
            "most own time: "
            + "; ".join(f"{entry['function']} {entry['share']:.0%}" for entry in profile[:3]),
            flush=True,
        )
    return results


# (name, callable(context) -> dict) for benchmarks beside the pages, e.g. mail throughput.
EXTRA_BENCHMARKS = [
    ("staff request inviting 1,000 people", invitation_request_1000),
    ("invitations to 1,000 recipients", invitations_to_1000),
    ("reminder sweep over 2,000 meetings", reminder_sweep_2000),
    ("library search at 100,000 examples", search_latency),
    ("judged query set next to the scale data", search_quality_at_scale),
]
