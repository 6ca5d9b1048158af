from datetime import timedelta

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db import connection
from django.http import Http404, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from meetings.selectors import (
    action_items_due_until,
    action_items_open_of_municipality,
    meetings_upcoming_for_user,
    meetings_work_list,
)
from members import permissions
from notifications.selectors import messages_failed
from practices.selectors import practices_in_progress_for_user, practices_newest_for_user
from roundtable import health
from roundtable.models import LegalPage
from roundtable.selectors import legal_page_get


@require_GET
@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico on their own; they get the static icon's address.

    A temporary redirect, because the static address changes with every release (hashed
    file names).
    """
    return redirect(static("img/favicon.svg"))


def home(request):
    context = {}
    if permissions.is_member(request.user):
        context["upcoming_meetings"] = meetings_upcoming_for_user(user=request.user, limit=5)
        context["newest_practices"] = practices_newest_for_user(user=request.user, limit=5)
        representative = permissions.current_representative(request.user)
        context["representative"] = representative
        if representative is not None:
            context["own_action_items"] = action_items_open_of_municipality(
                municipality_id=representative.municipality_id
            )
    if permissions.is_agency_staff(request.user):
        context["work_list"] = _staff_work_list(user=request.user)
    return render(request, "home.html", context)


def _staff_work_list(*, user) -> dict:
    """What needs the agency's attention, each entry linking to where it is done."""
    today = timezone.localdate()
    end_of_week = today + timedelta(days=6 - today.weekday())
    return {
        "practices_to_review": practices_in_progress_for_user(user=user, limit=10),
        "meetings": meetings_work_list(limit=5),
        "failed_messages": messages_failed(limit=10),
        "action_items_due": action_items_due_until(day=end_of_week),
        "end_of_week": end_of_week,
    }


@require_GET
def legal_page(request, kind):
    if kind not in LegalPage.Kind.values:
        raise Http404
    page = legal_page_get(kind=kind, language=get_language())
    return render(
        request,
        "pages/legal.html",
        {
            "page": page,
            "kind": kind,
            "default_template": f"pages/{kind}_default.html",
            # The privacy policy states how long the outbox keeps mail texts (notifications).
            "mail_retention_days": getattr(settings, "NOTIFICATIONS_BODY_RETENTION_DAYS", None),
        },
    )


@never_cache
@require_GET
def healthz(request):
    """Liveness: the process answers and reaches the database (readiness: readyz)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request):
    """For load balancers: which parts answer (database, cache, broker); 503 when a required
    one does not (settings.READINESS_REQUIRED)."""
    ready, parts = health.readiness()
    return JsonResponse(
        {"status": "ready" if ready else "not ready", "parts": parts},
        status=200 if ready else 503,
    )


def bench_bare(request):
    """A constant response: the benchmark's yardstick for the framework's own cost."""
    return HttpResponse("ok", content_type="text/plain")


def error_403(request, exception=None):
    # Refusals for visitors who are not logged in lead to the log-in page (common.guards).
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return render(request, "errors/403.html", status=403)


def error_404(request, exception=None):
    return render(request, "errors/404.html", status=404)


def error_500(request):
    # Rendered without the request: the failure may lie in a context processor.
    return HttpResponseServerError(loader.render_to_string("errors/500.html"))
