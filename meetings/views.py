from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common import guards
from common.exports import table_response
from common.files import stored_file_response
from common.guards import permission_required
from common.redirects import next_path
from meetings import permissions, selectors, services
from meetings.calendar import meeting_ics, meetings_feed_ics
from meetings.forms import (
    ActionItemFilterForm,
    ActionItemForm,
    ActionItemStatusForm,
    AgendaItemForm,
    AttendanceForm,
    AudienceForm,
    CalendarFeedSettingsForm,
    DocumentForm,
    MeetingForm,
    MinutesForm,
    ResponseForm,
    SeriesForm,
    SubstituteForm,
)
from meetings.messages import UPDATE_FIELDS
from meetings.models import ActionItem, AgendaItem, Document, Invitation, Meeting, Series
from meetings.tokens import InvalidToken, response_token_check, token_refusal

staff_only = permission_required(permissions.can_manage_meetings)
members_only = permission_required(permissions.can_subscribe_calendar)
logged_in = permission_required(guards.logged_in)


def _meeting_or_404(pk):
    try:
        return selectors.meeting_get(meeting_id=pk)
    except Meeting.DoesNotExist as error:
        raise Http404 from error


def _form_errors_from(form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# Representatives and staff: reading


@members_only
def meeting_list(request):
    upcoming, past = selectors.meeting_list_for_user(
        user=request.user,
        upcoming_page=request.GET.get("kommende"),
        past_page=request.GET.get("seite"),
    )
    return render(
        request,
        "meetings/list.html",
        {
            "upcoming": upcoming,
            "past": past,
            "can_manage": permissions.can_manage_meetings(request.user),
        },
    )


@logged_in
def meeting_detail(request, pk):
    try:
        meeting = selectors.meeting_detail_get(meeting_id=pk)
    except Meeting.DoesNotExist as error:
        raise Http404 from error
    if not permissions.can_view_meeting(request.user, meeting):
        raise PermissionDenied
    invitation = selectors.invitation_of_user(meeting=meeting, user=request.user)
    minutes = selectors.minutes_of(meeting=meeting)
    context = {
        "meeting": meeting,
        "agenda": selectors.agenda_with_times(meeting=meeting),
        "invitation": invitation,
        "can_manage": permissions.can_manage_meetings(request.user),
        # The viewer's own invitation is all that tells whether they are invited.
        "show_online_link": permissions.can_see_online_link(
            request.user, meeting, [invitation] if invitation else []
        ),
        "minutes": minutes
        if permissions.can_view_minutes(request.user, meeting, minutes)
        else None,
        "participants": selectors.participating_municipalities(meeting=meeting),
        "carried_action_items": selectors.action_items_carried_to(meeting=meeting),
        "reminder_dates": selectors.reminder_dates(meeting=meeting),
    }
    if invitation is not None and permissions.can_respond(request.user, invitation):
        context["response_form"] = ResponseForm(
            initial={"response": invitation.response, "note": invitation.note}
        )
        context["substitute_form"] = SubstituteForm(invitation=invitation)
    return render(request, "meetings/detail.html", context)


@logged_in
def meeting_print(request, pk):
    try:
        meeting = selectors.meeting_detail_get(meeting_id=pk)
    except Meeting.DoesNotExist as error:
        raise Http404 from error
    if not permissions.can_view_meeting(request.user, meeting):
        raise PermissionDenied
    minutes = selectors.minutes_of(meeting=meeting)
    return render(
        request,
        "meetings/print.html",
        {
            "meeting": meeting,
            "agenda": selectors.agenda_with_times(meeting=meeting),
            "minutes": minutes
            if permissions.can_view_minutes(request.user, meeting, minutes)
            else None,
            "participants": selectors.participating_municipalities(meeting=meeting),
        },
    )


@logged_in
def meeting_ics_download(request, pk):
    meeting = _meeting_or_404(pk)
    if not permissions.can_view_meeting(request.user, meeting):
        raise PermissionDenied
    body = meeting_ics(
        meeting=meeting,
        show_online_link=permissions.can_see_online_link(request.user, meeting),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="treffen-{meeting.pk}.ics"'
    return response


# Representatives: responding


@require_POST
@logged_in
def invitation_respond(request, pk):
    invitation = get_object_or_404(
        Invitation.objects.select_related("meeting", "representative"), pk=pk
    )
    if not permissions.can_respond(request.user, invitation):
        raise PermissionDenied
    form = ResponseForm(request.POST)
    if form.is_valid():
        services.invitation_respond(
            invitation=invitation,
            response=form.cleaned_data["response"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, _("Thank you, your response has been saved."))
    else:
        messages.error(request, _("Please choose a response."))
    return redirect("meetings:detail", invitation.meeting_id)


@require_POST
@logged_in
def invitation_substitute(request, pk):
    invitation = get_object_or_404(
        Invitation.objects.select_related("meeting", "representative"), pk=pk
    )
    if not permissions.can_respond(request.user, invitation):
        raise PermissionDenied
    form = SubstituteForm(request.POST, invitation=invitation)
    if form.is_valid():
        try:
            services.invitation_substitute(
                invitation=invitation,
                substitute=form.cleaned_data["substitute"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your colleague has been invited in your place."))
    else:
        messages.error(request, _("Please choose a colleague from your municipality."))
    return redirect("meetings:detail", invitation.meeting_id)


@never_cache
@require_http_methods(["GET", "POST"])
def respond_by_link(request, token):
    """One-click answer from the mail. GET only asks; mail scanners never answer for people."""
    try:
        invitation_id, response = response_token_check(token)
        invitation = Invitation.objects.select_related(
            "meeting", "meeting__series", "representative"
        ).get(pk=invitation_id)
    except (InvalidToken, Invitation.DoesNotExist):
        return render(request, "meetings/respond_by_link_invalid.html", status=400)
    refusal = token_refusal(invitation)
    if refusal is not None:
        return render(
            request,
            "meetings/respond_by_link_invalid.html",
            {"reason": refusal, "invitation": invitation},
            status=400,
        )
    label = Invitation.Response(response).label
    if request.method == "POST":
        services.invitation_respond(invitation=invitation, response=response, note=invitation.note)
        return render(
            request,
            "meetings/respond_by_link_done.html",
            {"invitation": invitation, "response_label": label},
        )
    return render(
        request,
        "meetings/respond_by_link.html",
        {"invitation": invitation, "response_label": label, "response": response},
    )


# Calendar feeds


# The secret of a new address waits in the session for the one page that shows it.
NEW_FEED_SECRET_SESSION_KEY = "meetings_new_calendar_feed_secret"


@require_http_methods(["GET", "POST"])
@members_only
def calendar_feed(request):
    settings_form = CalendarFeedSettingsForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "revoke":
            services.calendar_feed_revoke(user=request.user)
            messages.success(request, _("Your calendar address has been switched off."))
        elif action == "settings":
            if settings_form.is_valid():
                services.calendar_feed_settings_update(
                    user=request.user, with_alarms=settings_form.cleaned_data["with_alarms"]
                )
                messages.success(request, _("Your calendar settings have been saved."))
            else:
                messages.error(request, _("Please choose one of the offered alarm settings."))
        else:
            _feed, secret = services.calendar_feed_create(user=request.user)
            request.session[NEW_FEED_SECRET_SESSION_KEY] = secret
            messages.success(request, _("Your new calendar address is ready."))
        return redirect("meetings:calendar_feed")
    feed = selectors.calendar_feed_of(user=request.user)
    secret = request.session.pop(NEW_FEED_SECRET_SESSION_KEY, None)
    feed_url = None
    if feed is not None and secret is not None:
        feed_url = request.build_absolute_uri(reverse("meetings:feed", args=[secret]))
    if feed is not None:
        settings_form = CalendarFeedSettingsForm(
            initial={"with_alarms": "1" if feed.with_alarms else ""}
        )
    return render(
        request,
        "meetings/calendar_feed.html",
        {"feed": feed, "feed_url": feed_url, "settings_form": settings_form},
    )


@never_cache
def calendar_feed_ics(request, token):
    feed = selectors.calendar_feed_by_token(token=token)
    if feed is None or not feed.user.is_active or not permissions.can_subscribe_calendar(feed.user):
        raise Http404
    meetings = selectors.meetings_for_feed(feed=feed)
    invited = selectors.meetings_with_online_link_for(user=feed.user, meetings=meetings)
    with translation.override(feed.user.language):
        body = meetings_feed_ics(
            meetings=meetings, show_online_link_for=invited, with_alarms=feed.with_alarms
        )
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


# Staff: planning


@require_http_methods(["GET", "POST"])
@staff_only
def meeting_create(request):
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(organiser=request.user, data=form.cleaned_data)
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, _("The meeting has been created as a draft."))
            return redirect("meetings:agenda", meeting.pk)
    return render(request, "meetings/meeting_form.html", {"form": form, "meeting": None})


@require_http_methods(["GET", "POST"])
@staff_only
def meeting_edit(request, pk):
    meeting = _meeting_or_404(pk)
    form = MeetingForm(request.POST or None, instance=meeting)
    update_recipients = None
    if request.method == "POST" and form.is_valid():
        decision = request.POST.get("notify")
        changed = services.meeting_changes(meeting=meeting, data=form.cleaned_data)
        recipients = selectors.update_recipient_count(meeting=meeting)
        if decision not in {"0", "1"} and recipients and set(changed).intersection(UPDATE_FIELDS):
            # Before people get mail, staff see how many and decide.
            update_recipients = recipients
        else:
            try:
                services.meeting_update(
                    meeting=meeting, data=form.cleaned_data, notify=decision != "0"
                )
            except ValidationError as error:
                _form_errors_from(form, error)
            else:
                if decision == "1":
                    messages.success(
                        request,
                        ngettext(
                            "The meeting has been saved; %(count)d person gets an update.",
                            "The meeting has been saved; %(count)d people get an update.",
                            recipients,
                        )
                        % {"count": recipients},
                    )
                else:
                    messages.success(request, _("The meeting has been saved."))
                return redirect("meetings:detail", meeting.pk)
    return render(
        request,
        "meetings/meeting_form.html",
        {"form": form, "meeting": meeting, "update_recipients": update_recipients},
    )


@require_POST
@staff_only
def meeting_update_send(request, pk):
    """Send the update mail after agenda changes (once per person for the current state)."""
    meeting = _meeting_or_404(pk)
    try:
        sent = services.meeting_update_send(meeting=meeting)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if not sent:
            messages.info(
                request,
                _(
                    "The update for the meeting as it is now was already sent; nothing went "
                    "out again. Change the agenda or the meeting to send a new update."
                ),
            )
            return redirect("meetings:agenda", meeting.pk)
        count = selectors.update_recipient_count(meeting=meeting)
        messages.success(
            request,
            ngettext(
                "The update goes to %(count)d person.",
                "The update goes to %(count)d people.",
                count,
            )
            % {"count": count},
        )
    return redirect("meetings:agenda", meeting.pk)


@require_POST
@staff_only
def meeting_copy(request, pk):
    meeting = _meeting_or_404(pk)
    try:
        new = services.meeting_copy_next(meeting=meeting, organiser=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("meetings:detail", meeting.pk)
    messages.success(
        request, _("The next meeting has been drafted. Please check date, host and agenda.")
    )
    return redirect("meetings:edit", new.pk)


@require_http_methods(["GET", "POST"])
@staff_only
def meeting_cancel(request, pk):
    meeting = _meeting_or_404(pk)
    if request.method == "POST":
        services.meeting_cancel(meeting=meeting)
        messages.success(request, _("The meeting has been cancelled."))
        return redirect("meetings:detail", meeting.pk)
    return render(request, "meetings/meeting_cancel.html", {"meeting": meeting})


@require_http_methods(["GET", "POST"])
@staff_only
def agenda(request, pk):
    meeting = _meeting_or_404(pk)
    form = AgendaItemForm(request.POST or None, prefix="new")
    if request.method == "POST" and form.is_valid():
        services.agenda_item_create(
            meeting=meeting, data=form.item_data(), presenters=form.cleaned_data["presenters"]
        )
        messages.success(request, _("The agenda item has been added."))
        return redirect(f"{reverse('meetings:agenda', args=[meeting.pk])}#agenda")
    items = selectors.agenda_items_for_editing(meeting=meeting)
    return render(
        request,
        "meetings/agenda.html",
        {
            "meeting": meeting,
            "agenda": selectors.agenda_with_times(meeting=meeting, items=items),
            "form": form,
            "update_recipients": selectors.update_recipient_count(meeting=meeting),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_only
def agenda_item_edit(request, pk, item_pk):
    item = get_object_or_404(AgendaItem.objects.select_related("meeting"), pk=item_pk, meeting=pk)
    form = AgendaItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        services.agenda_item_update(
            item=item, data=form.item_data(), presenters=form.cleaned_data["presenters"]
        )
        messages.success(request, _("The agenda item has been saved."))
        return redirect("meetings:agenda", pk)
    return render(
        request,
        "meetings/agenda_item_form.html",
        {"meeting": item.meeting, "item": item, "form": form},
    )


@require_POST
@staff_only
def agenda_item_delete(request, pk, item_pk):
    item = get_object_or_404(AgendaItem.objects.select_related("meeting"), pk=item_pk, meeting=pk)
    services.agenda_item_delete(item=item)
    messages.success(request, _("The agenda item has been removed."))
    return redirect("meetings:agenda", pk)


@require_POST
@staff_only
def agenda_item_move(request, pk, item_pk):
    item = get_object_or_404(AgendaItem.objects.select_related("meeting"), pk=item_pk, meeting=pk)
    direction = request.POST.get("direction")
    if direction not in {"up", "down"}:
        return HttpResponse(status=400)
    services.agenda_item_move(item=item, direction=direction)
    return redirect(f"{reverse('meetings:agenda', args=[pk])}#item-{item.pk}")


@require_http_methods(["GET", "POST"])
@staff_only
def audience(request, pk):
    """Choose the audience, preview the people, then send (a second POST with confirm)."""
    meeting = _meeting_or_404(pk)
    if request.method == "POST":
        form = AudienceForm(request.POST)
    else:
        form = AudienceForm(initial=meeting.audience or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        selection = form.selection()
        people = selectors.audience_resolve(**selection)
        already = set(meeting.invitations.values_list("representative_id", flat=True))
        preview = [(person, person.pk in already) for person in people]
        if request.POST.get("confirm") == "1":
            try:
                created = services.invitations_send(
                    meeting=meeting, representatives=people, audience=selection
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request,
                    _("%(count)d invitations have been sent.") % {"count": len(created)},
                )
                return redirect("meetings:responses", meeting.pk)
    return render(
        request,
        "meetings/audience.html",
        {
            "meeting": meeting,
            "form": form,
            "preview": preview,
            "new_count": sum(1 for _person, invited in preview or [] if not invited),
        },
    )


@staff_only
def responses(request, pk):
    meeting = _meeting_or_404(pk)
    return render(
        request,
        "meetings/responses.html",
        {"meeting": meeting, "overview": selectors.response_overview(meeting=meeting)},
    )


@require_http_methods(["GET", "POST"])
@staff_only
def remind_open(request, pk):
    """Ask, with the number of people, then nudge those who have not answered (POST)."""
    meeting = _meeting_or_404(pk)
    if request.method == "POST":
        try:
            count = services.invitations_remind_open(meeting=meeting)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d reminder is on its way.",
                    "%(count)d reminders are on their way.",
                    count,
                )
                % {"count": count},
            )
        return redirect("meetings:responses", meeting.pk)
    return render(
        request,
        "meetings/remind_open.html",
        {
            "meeting": meeting,
            "to_remind": selectors.invitations_to_remind_now(
                meeting=meeting, day=timezone.localdate()
            ),
        },
    )


EXPORT_FORMATS = {"csv", "xlsx"}


@staff_only
def responses_export(request, pk, file_format):
    """Responses and attendance of a meeting as a table."""
    if file_format not in EXPORT_FORMATS:
        raise Http404
    meeting = _meeting_or_404(pk)
    overview = selectors.response_overview(meeting=meeting)
    attendance_labels = {True: _("yes"), False: _("no"), None: ""}
    rows = [
        [
            invitation.on_behalf_of.name,
            invitation.representative.full_name,
            invitation.representative.email,
            invitation.get_response_display(),
            timezone.localtime(invitation.responded_at).strftime("%Y-%m-%d %H:%M")
            if invitation.responded_at
            else "",
            invitation.note,
            invitation.substitute_for.representative.full_name if invitation.substitute_for else "",
            attendance_labels[invitation.attended],
        ]
        for invitations in overview.by_municipality.values()
        for invitation in invitations
    ]
    return table_response(
        filename=f"rueckmeldungen-{meeting.pk}",
        headers=[
            _("Municipality"),
            _("Name"),
            _("Email"),
            _("Response"),
            _("Responded at"),
            _("Note"),
            _("Substitute for"),
            _("Took part"),
        ],
        rows=rows,
        file_format=file_format,
    )


@require_http_methods(["GET", "POST"])
@staff_only
def attendance(request, pk):
    meeting = _meeting_or_404(pk)
    invitations = list(
        meeting.invitations.select_related("representative", "on_behalf_of").order_by(
            "on_behalf_of__name", "representative__last_name"
        )
    )
    recorded = any(invitation.attended is not None for invitation in invitations)
    initial = [
        str(invitation.pk)
        for invitation in invitations
        if (invitation.attended if recorded else invitation.response == "accepted")
    ]
    form = AttendanceForm(
        request.POST or None, invitations=invitations, initial={"attended": initial}
    )
    if request.method == "POST" and form.is_valid():
        try:
            count = services.attendance_record(
                meeting=meeting, attended_invitation_ids=form.cleaned_data["attended"]
            )
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(
                request, _("Attendance has been recorded (%(count)d people).") % {"count": count}
            )
            return redirect("meetings:detail", meeting.pk)
    return render(
        request,
        "meetings/attendance.html",
        {"meeting": meeting, "form": form, "recorded": recorded},
    )


@require_http_methods(["GET", "POST"])
@staff_only
def minutes_edit(request, pk):
    meeting = _meeting_or_404(pk)
    minutes = selectors.minutes_of(meeting=meeting)
    form = MinutesForm(request.POST or None, initial={"text": minutes.text if minutes else ""})
    if request.method == "POST" and form.is_valid():
        minutes = services.minutes_save(
            meeting=meeting, text=form.cleaned_data["text"], editor=request.user
        )
        if request.POST.get("publish") == "1":
            try:
                services.minutes_publish(meeting=meeting, editor=request.user)
            except ValidationError as error:
                form.add_error("text", error.messages)
            else:
                messages.success(request, _("The minutes have been published."))
                return redirect("meetings:detail", meeting.pk)
        else:
            messages.success(request, _("The minutes have been saved."))
            return redirect("meetings:minutes", meeting.pk)
    return render(
        request,
        "meetings/minutes_form.html",
        {"meeting": meeting, "form": form, "minutes": minutes},
    )


@require_http_methods(["GET", "POST"])
@staff_only
def documents(request, pk):
    meeting = _meeting_or_404(pk)
    form = DocumentForm(request.POST or None, request.FILES or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        services.document_add(
            meeting=meeting,
            title=form.cleaned_data["title"],
            file=form.cleaned_data["file"],
            content_type=form.content_type,
            uploaded_by=request.user,
            agenda_item=form.cleaned_data["agenda_item"],
        )
        messages.success(request, _("The document has been attached."))
        return redirect("meetings:documents", meeting.pk)
    return render(
        request,
        "meetings/documents.html",
        {
            "meeting": meeting,
            "form": form,
            "documents": meeting.documents.select_related("agenda_item"),
        },
    )


@require_POST
@staff_only
def document_delete(request, pk, document_pk):
    document = get_object_or_404(Document, pk=document_pk, meeting=pk)
    services.document_delete(document=document)
    messages.success(request, _("The document has been removed."))
    return redirect("meetings:documents", pk)


@logged_in
def document_download(request, pk, document_pk):
    document = get_object_or_404(
        Document.objects.select_related("meeting"), pk=document_pk, meeting=pk
    )
    if not permissions.can_view_meeting(request.user, document.meeting):
        raise PermissionDenied
    return stored_file_response(document.file, content_type=document.content_type)


def _action_item_rows(items):
    for item in items:
        owner = item.owner_municipality.name if item.owner_municipality else ""
        person = item.owner_representative.full_name if item.owner_representative else ""
        yield [
            item.what,
            owner,
            person,
            item.due_on.isoformat() if item.due_on else "",
            _("Overdue") if item.is_overdue else item.get_status_display(),
            str(item.meeting),
            item.meeting.starts_at.date().isoformat(),
        ]


@require_http_methods(["GET", "POST"])
@staff_only
def action_items(request, pk):
    meeting = _meeting_or_404(pk)
    form = ActionItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_item_create(meeting=meeting, data=form.cleaned_data)
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, _("The action item has been added."))
            return redirect("meetings:action_items", meeting.pk)
    return render(
        request,
        "meetings/action_items.html",
        {
            "meeting": meeting,
            "form": form,
            "items": selectors.action_items_of_meeting(meeting=meeting),
            "carried_items": selectors.action_items_carried_to(meeting=meeting),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_only
def action_item_edit(request, pk, item_pk):
    item = get_object_or_404(
        ActionItem.objects.select_related("meeting", "owner_municipality"), pk=item_pk, meeting=pk
    )
    form = ActionItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_item_update(item=item, data=form.cleaned_data)
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, _("The action item has been saved."))
            return redirect(next_path(request, reverse("meetings:action_items", args=[pk])))
    return render(
        request,
        "meetings/action_item_form.html",
        {"meeting": item.meeting, "item": item, "form": form, "next": next_path(request, "")},
    )


@require_POST
@staff_only
def action_item_status(request, pk, item_pk):
    item = get_object_or_404(ActionItem, pk=item_pk, meeting=pk)
    form = ActionItemStatusForm(request.POST)
    if form.is_valid():
        item = services.action_item_set_status(item=item, status=form.cleaned_data["status"])
        if item.is_open:
            messages.success(request, _("The action item is open again."))
        else:
            messages.success(request, _("The action item has been closed."))
    else:
        messages.error(request, _("Please choose a valid status."))
    return redirect(next_path(request, reverse("meetings:action_items", args=[pk])))


@staff_only
def action_item_list(request):
    """Action items across all meetings, filterable by municipality and status."""
    form = ActionItemFilterForm(request.GET or None)
    items = selectors.action_items_list(**form.filters())
    return render(
        request,
        "meetings/action_item_list.html",
        {"form": form, "items": items, "next": request.get_full_path()},
    )


@staff_only
def action_item_export(request):
    form = ActionItemFilterForm(request.GET or None)
    items = selectors.action_items_list(**form.filters())
    return table_response(
        filename=f"aufgaben-{timezone.localdate().isoformat()}",
        headers=[
            _("What"),
            _("Responsible municipality"),
            _("Responsible person"),
            _("Due on"),
            _("Status"),
            _("Meeting"),
            _("Date"),
        ],
        rows=_action_item_rows(items),
    )


# Staff: series


@staff_only
def series_list(request):
    return render(request, "meetings/series_list.html", {"series_list": selectors.series_list()})


@require_http_methods(["GET", "POST"])
@staff_only
def series_edit(request, pk=None):
    series = get_object_or_404(Series, pk=pk) if pk is not None else None
    form = SeriesForm(request.POST or None, instance=series)
    if request.method == "POST" and form.is_valid():
        try:
            services.series_save(series=series, data=form.cleaned_data)
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, _("The series has been saved."))
            return redirect("meetings:series_list")
    return render(request, "meetings/series_form.html", {"form": form, "series": series})


@require_GET
@staff_only
def participation(request):
    """Per member: the last meetings attended and how many in a row it missed."""
    return render(
        request, "meetings/participation.html", {"rows": selectors.participation_overview()}
    )
