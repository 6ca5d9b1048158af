"""Staff pages for outgoing mail: per meeting, previews, and the development mailbox."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.guards import permission_required
from meetings.models import Meeting
from notifications import kinds, permissions, selectors, services
from notifications.models import OutgoingMessage


@require_GET
@permission_required(permissions.can_manage_messages)
def meeting_messages(request, meeting_id):
    meeting = get_object_or_404(Meeting, pk=meeting_id)
    return render(
        request,
        "notifications/meeting_messages.html",
        {"meeting": meeting, "outgoing_messages": selectors.messages_for_meeting(meeting=meeting)},
    )


@require_POST
@permission_required(permissions.can_manage_messages)
def message_resend(request, pk):
    message = get_object_or_404(OutgoingMessage, pk=pk)
    if message.state != OutgoingMessage.State.FAILED:
        messages.error(request, _("Only failed messages can be sent again."))
    else:
        services.message_resend(message=message)
        messages.success(
            request,
            _("The message to %(recipient)s will be sent again.")
            % {"recipient": message.recipient_email},
        )
    if message.meeting_id:
        return redirect("notifications:meeting_messages", meeting_id=message.meeting_id)
    return redirect("notifications:message_detail", pk=message.pk)


@require_GET
@permission_required(permissions.can_manage_messages)
def message_detail(request, pk):
    message = get_object_or_404(OutgoingMessage.objects.select_related("meeting"), pk=pk)
    return render(request, "notifications/message_detail.html", {"message": message})


@require_GET
@permission_required(permissions.can_manage_messages)
def message_html(request, pk):
    """The HTML part as the recipient's mail program shows it."""
    message = get_object_or_404(OutgoingMessage.objects.only("body_html"), pk=pk)
    return HttpResponse(message.body_html, content_type="text/html; charset=utf-8")


@require_GET
@permission_required(permissions.can_manage_messages)
def preview_list(request):
    return render(
        request, "notifications/preview_list.html", {"kinds": OutgoingMessage.Kind.choices}
    )


def _preview_render(kind, language):
    if kind not in OutgoingMessage.Kind.values:
        raise Http404
    return services.message_render(
        template_base=kind, context=kinds.sample_context(kind), language=language
    )


@require_GET
@permission_required(permissions.can_manage_messages)
def preview(request, kind, language):
    if language not in dict(settings.LANGUAGES):
        raise Http404
    rendered = _preview_render(kind, language)
    return render(
        request,
        "notifications/preview.html",
        {
            "kind": kind,
            "kind_label": OutgoingMessage.Kind(kind).label,
            "language": language,
            "languages": settings.LANGUAGES,
            "rendered": rendered,
        },
    )


@require_GET
@permission_required(permissions.can_manage_messages)
def preview_html(request, kind, language):
    if language not in dict(settings.LANGUAGES):
        raise Http404
    rendered = _preview_render(kind, language)
    return HttpResponse(rendered.body_html, content_type="text/html; charset=utf-8")


@require_GET
@permission_required(permissions.can_manage_messages)
def outbox(request):
    """Development only: every recent mail, readable without an SMTP server."""
    if not settings.DEBUG:
        raise Http404
    return render(
        request, "notifications/outbox.html", {"outgoing_messages": selectors.messages_recent()}
    )
