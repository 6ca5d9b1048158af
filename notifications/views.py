"""Staff pages for outgoing mail: the outbox, the mail about one object, previews, resend."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.guards import permission_required
from common.redirects import next_path
from notifications import kinds, permissions, selectors, services
from notifications.forms import OutboxFilterForm
from notifications.models import OutgoingMessage

OUTBOX_PAGE_SIZE = 50

staff_view = permission_required(permissions.can_view_messages)
staff_resend = permission_required(permissions.can_resend_messages)


@require_GET
@staff_view
def outbox(request):
    """Every mail the portal sent or will send, newest first, with filters."""
    form = OutboxFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = selectors.messages_filtered(
        kind=filters.get("kind", ""),
        state=filters.get("state", ""),
        recipient=filters.get("recipient", ""),
        scope=filters.get("scope", ""),
    )
    page = Paginator(queryset, OUTBOX_PAGE_SIZE).get_page(request.GET.get("seite"))
    params = request.GET.copy()
    params.pop("seite", None)
    scope = filters.get("scope", "")
    return render(
        request,
        "notifications/outbox.html",
        {
            "form": form,
            "page": page,
            "query_string": params.urlencode(),
            "scope_object": selectors.scope_object(scope=scope) if scope else None,
            "mail_to_files": settings.DEBUG,
        },
    )


@require_GET
@staff_view
def scope_messages(request, scope):
    """The delivery page of one object (a meeting): every mail about it and its state."""
    subject = selectors.scope_object(scope=scope)
    if subject is None:
        raise Http404
    outgoing = selectors.messages_for_scope(scope=scope)
    return render(
        request,
        "notifications/scope_messages.html",
        {"subject": subject, "scope": scope, "outgoing_messages": outgoing},
    )


@require_POST
@staff_resend
def message_resend(request, pk):
    message = get_object_or_404(OutgoingMessage.objects.defer(*selectors.LIST_DEFERRED), pk=pk)
    if message.state != OutgoingMessage.State.FAILED:
        messages.error(request, _("Only failed messages can be sent again."))
    elif not message.recipient_email:
        messages.error(request, _("This message has no recipient any more."))
    elif message.purged_at is not None:
        messages.error(request, _("The text of this message was removed; it cannot be sent again."))
    else:
        services.message_resend(message=message)
        messages.success(
            request,
            _("The message to %(recipient)s will be sent again.")
            % {"recipient": message.recipient_email},
        )
    target = next_path(request)
    if target:
        # A URL, never a view name: redirect() would try to reverse anything else.
        return HttpResponseRedirect(target)
    return redirect("notifications:message_detail", pk=message.pk)


@require_GET
@staff_view
def message_detail(request, pk):
    message = get_object_or_404(OutgoingMessage, pk=pk)
    return render(
        request,
        "notifications/message_detail.html",
        {
            "message": message,
            "scope_object": selectors.scope_object(scope=message.scope) if message.scope else None,
        },
    )


@require_GET
@staff_view
def message_html(request, pk):
    """The HTML part as the recipient's mail program shows it."""
    message = get_object_or_404(OutgoingMessage.objects.only("body_html"), pk=pk)
    return HttpResponse(message.body_html, content_type="text/html; charset=utf-8")


@require_GET
@staff_view
def preview_list(request):
    return render(
        request,
        "notifications/preview_list.html",
        {"kinds": [(kind.name, kind.label) for kind in kinds.all_kinds()]},
    )


def _preview_render(kind_name, language):
    if language not in dict(settings.LANGUAGES):
        raise Http404
    kind = kinds.get(kind_name)
    if kind is None:
        raise Http404
    return kind, services.message_render(
        template_base=kind.base, context=kind.sample_context(), language=language
    )


@require_GET
@staff_view
def preview(request, kind, language):
    message_kind, rendered = _preview_render(kind, language)
    return render(
        request,
        "notifications/preview.html",
        {
            "kind": kind,
            "kind_label": message_kind.label,
            "language": language,
            "languages": settings.LANGUAGES,
            "rendered": rendered,
        },
    )


@require_GET
@staff_view
def preview_html(request, kind, language):
    _kind, rendered = _preview_render(kind, language)
    return HttpResponse(rendered.body_html, content_type="text/html; charset=utf-8")
