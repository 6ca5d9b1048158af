from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.exports import table_response
from common.files import stored_file_response
from members import permissions as member_permissions
from practices import permissions, selectors, services
from practices.filters import SORTS
from practices.forms import AdoptionForm, PracticeForm, ReviewForm
from practices.models import PracticeAttachment


def _get_visible(request, slug, *, for_change=False):
    getter = selectors.practice_get_for_change if for_change else selectors.practice_get_for_page
    practice = getter(slug=slug)
    if practice is None:
        raise Http404
    if not permissions.can_view_practice(request.user, practice):
        # Unpublished examples are not revealed to people who may not see them.
        raise Http404
    return practice


@require_GET
def practice_list(request):
    result = selectors.practice_search(user=request.user, params=request.GET)
    page = selectors.practice_search_page(
        result=result, page_number=result.params.get("seite"), user=request.user
    )
    params = {name: value for name, value in result.params.items() if name != "seite"}
    in_progress = []
    if permissions.can_create_practice(request.user):
        in_progress = selectors.practices_in_progress_for_user(user=request.user)
    return render(
        request,
        "practices/list.html",
        {
            "result": result,
            "page": page,
            "sorts": SORTS,
            "query_string": urlencode(params),
            "search_window": selectors.SEARCH_WINDOW,
            "like_mine_query": selectors.like_mine_query_string(result=result),
            "can_subscribe": request.user.is_authenticated,
            "in_progress": in_progress,
            "can_create": permissions.can_create_practice(request.user),
            "can_review": permissions.can_review_practices(request.user),
        },
    )


@require_GET
def practice_export(request):
    result = selectors.practice_search(user=request.user, params=request.GET, with_facets=False)
    practices = selectors.practices_for_export(result=result)
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    headers = [
        _("Title"),
        _("Municipalities"),
        _("Topics"),
        _("Network or project"),
        _("Started on"),
        _("Ended on"),
        _("Adoptions"),
        _("Summary"),
        _("Address"),
    ]
    rows = (
        [
            practice.title,
            ", ".join(m.name for m in practice.municipalities.all()),
            ", ".join(t.name for t in practice.topics.all()),
            practice.network.name if practice.network else "",
            practice.started_on.isoformat() if practice.started_on else "",
            practice.ended_on.isoformat() if practice.ended_on else "",
            practice.adoption_count,
            practice.summary,
            request.build_absolute_uri(reverse("practices:detail", args=[practice.slug])),
        ]
        for practice in practices
    )
    return table_response(filename=f"praxisbeispiele-{stamp}", headers=headers, rows=rows)


def _render_detail(request, practice, *, adoption_form=None, review_form=None, status=200):
    user = request.user
    own_adoption = None
    municipality = member_permissions.current_municipality(user)
    if municipality is not None:
        own_adoption = next(
            (a for a in practice.adoptions.all() if a.municipality_id == municipality.pk), None
        )
    is_reviewer = permissions.can_review_practices(user)
    show_history = is_reviewer or permissions.is_own_practice(user, practice)
    return render(
        request,
        "practices/detail.html",
        {
            "practice": practice,
            "images": [a for a in practice.attachments.all() if a.kind == "image"],
            "documents": [a for a in practice.attachments.all() if a.kind == "document"],
            "similar": selectors.practices_similar(practice=practice, user=user),
            "can_edit": permissions.can_edit_practice(user, practice),
            "can_submit": permissions.can_submit_practice(user, practice),
            "can_review": is_reviewer,
            "can_adopt": permissions.can_adopt_practice(user, practice) and own_adoption is None,
            "own_adoption": own_adoption,
            "show_contact": permissions.can_see_contact_details(user),
            "show_meetings": permissions.can_see_meetings(user),
            "show_history": show_history,
            "open_review": selectors.practice_open_review(practice=practice),
            "adoption_form": adoption_form or AdoptionForm(),
            "review_form": review_form or ReviewForm(initial={"is_public": practice.is_public}),
        },
        status=status,
    )


@require_GET
def practice_detail(request, slug):
    if not request.user.is_authenticated and selectors.practice_is_published(slug=slug):
        # A member following a link while logged out is asked to log in first.
        practice = selectors.practice_get_for_page(slug=slug)
        if not permissions.can_view_practice(request.user, practice):
            raise PermissionDenied
    return _render_detail(request, _get_visible(request, slug))


@require_GET
def practice_attachment(request, slug, pk):
    """An image or document of a practice, for exactly those who may see the practice."""
    if not request.user.is_authenticated and selectors.practice_is_published(slug=slug):
        practice = selectors.practice_get_for_change(slug=slug)
        if not permissions.can_view_practice(request.user, practice):
            raise PermissionDenied
    practice = _get_visible(request, slug, for_change=True)
    attachment = get_object_or_404(PracticeAttachment, pk=pk, practice=practice)
    return stored_file_response(
        attachment.file,
        content_type=attachment.content_type,
        inline=attachment.kind == PracticeAttachment.Kind.IMAGE,
    )


def _save_practice(request, form, practice=None):
    arguments = {
        "user": request.user,
        "fields": form.practice_fields(),
        "municipalities": list(form.cleaned_data.get("municipalities") or []),
        "topics": list(form.cleaned_data.get("topics") or []),
        "links": form.cleaned_data["links"],
        "attachments": form.new_attachments(),
    }
    if practice is None:
        return services.practice_create(**arguments)
    return services.practice_update(
        practice=practice, remove_attachment_ids=form.removed_attachment_ids(), **arguments
    )


@require_http_methods(["GET", "POST"])
def practice_create(request):
    if not permissions.can_create_practice(request.user):
        raise PermissionDenied
    form = PracticeForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            practice = _save_practice(request, form)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The draft has been saved."))
            return redirect("practices:detail", slug=practice.slug)
    return render(request, "practices/form.html", {"form": form, "practice": None})


@require_http_methods(["GET", "POST"])
def practice_edit(request, slug):
    practice = _get_visible(request, slug, for_change=True)
    if not permissions.can_edit_practice(request.user, practice):
        raise PermissionDenied
    form = PracticeForm(
        request.POST or None, request.FILES or None, instance=practice, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            _save_practice(request, form, practice)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your changes have been saved."))
            return redirect("practices:detail", slug=practice.slug)
    return render(
        request,
        "practices/form.html",
        {
            "form": form,
            "practice": practice,
            "open_review": selectors.practice_open_review(practice=practice),
        },
    )


@require_POST
def practice_submit(request, slug):
    practice = _get_visible(request, slug, for_change=True)
    if not permissions.can_submit_practice(request.user, practice):
        raise PermissionDenied
    services.practice_submit(practice=practice, user=request.user)
    messages.success(request, _("Thank you! The agency will review the example."))
    return redirect("practices:detail", slug=practice.slug)


@require_POST
def practice_review(request, slug):
    if not permissions.can_review_practices(request.user):
        raise PermissionDenied
    practice = _get_visible(request, slug, for_change=True)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        # Shown again with the errors next to the fields and the comment as typed.
        return _render_detail(request, practice, review_form=form, status=400)
    action, comment = form.cleaned_data["action"], form.cleaned_data["comment"]
    if action == "publish":
        services.practice_publish(
            practice=practice,
            user=request.user,
            comment=comment,
            is_public=form.cleaned_data["is_public"],
        )
        messages.success(request, _("The example has been published."))
    elif action == "request_changes":
        services.practice_request_changes(practice=practice, user=request.user, comment=comment)
        messages.success(request, _("The example has been sent back to its authors."))
    else:
        services.practice_archive(practice=practice, user=request.user, comment=comment)
        messages.success(request, _("The example has been archived."))
    return redirect("practices:detail", slug=practice.slug)


@require_POST
def adoption_create(request, slug):
    practice = _get_visible(request, slug)
    if not permissions.can_adopt_practice(request.user, practice):
        raise PermissionDenied
    form = AdoptionForm(request.POST)
    if not form.is_valid():
        # Shown again on the page with the message; the note is kept.
        return _render_detail(request, practice, adoption_form=form, status=400)
    try:
        services.adoption_create(
            practice=practice, user=request.user, note=form.cleaned_data["note"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Thank you! Your adoption is now shown on the page."))
    return redirect("practices:detail", slug=practice.slug)


@require_POST
def practice_create_from_agenda_item(request, agenda_item_pk):
    if not permissions.can_create_from_agenda_item(request.user):
        raise PermissionDenied
    agenda_item = selectors.agenda_item_for_practice_draft(pk=agenda_item_pk)
    if agenda_item is None:
        raise Http404
    try:
        practice = services.practice_create_from_agenda_item(
            agenda_item=agenda_item, user=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        if agenda_item.practice_id:
            return redirect("practices:detail", slug=agenda_item.practice.slug)
        return redirect("practices:list")
    messages.success(request, _("A draft has been created from the agenda item."))
    return redirect("practices:edit", slug=practice.slug)


@require_POST
def search_subscribe(request):
    if not request.user.is_authenticated:
        raise PermissionDenied
    subscription = services.search_subscription_create(
        user=request.user, query_string=request.POST.get("query_string", "")
    )
    messages.success(
        request,
        _("You will receive new examples of this search by mail once a week."),
    )
    list_url = reverse("practices:list")
    return redirect(
        f"{list_url}?{subscription.query_string}" if subscription.query_string else list_url
    )


@csrf_exempt  # the signed token is the permission; mail clients post here (RFC 8058)
@require_http_methods(["GET", "POST"])
def search_unsubscribe(request, token):
    subscription = services.search_subscription_for_token(token=token)
    if subscription is None:
        return render(request, "practices/unsubscribe.html", {"done": True, "known": False})
    if request.method == "POST":
        services.search_subscription_delete(subscription=subscription)
        return render(request, "practices/unsubscribe.html", {"done": True, "known": True})
    return render(
        request,
        "practices/unsubscribe.html",
        {
            "done": False,
            "label": services.search_label(query_string=subscription.query_string),
        },
    )
