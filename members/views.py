import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.guards import permission_required
from members import permissions, selectors, services
from members.forms import (
    AccountDeleteForm,
    ContactForm,
    DirectoryFilterForm,
    InvitationPasswordForm,
    LanguageForm,
)
from members.models import User

DIRECTORY_PAGE_SIZE = 100


@require_GET
@permission_required(permissions.can_view_member_directory)
def directory(request):
    form = DirectoryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    municipalities = selectors.municipalities_for_directory(
        district=filters.get("district"),
        network=filters.get("network"),
        search=(filters.get("q") or "").strip(),
    )
    page = Paginator(municipalities, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("seite"))
    params = request.GET.copy()
    params.pop("seite", None)
    return render(
        request,
        "members/directory.html",
        {"form": form, "page": page, "query_string": params.urlencode()},
    )


@require_GET
@permission_required(permissions.can_view_member_directory)
def municipality_detail(request, slug):
    page = selectors.municipality_page_get(slug=slug, viewer=request.user)
    return render(
        request,
        "members/municipality_detail.html",
        {
            "page": page,
            "municipality": page.municipality,
            "can_invite": permissions.can_invite_representative(request.user),
        },
    )


@require_GET
@permission_required(permissions.can_view_member_directory)
def network_detail(request, slug):
    page = selectors.network_page_get(slug=slug, viewer=request.user)
    return render(request, "members/network_detail.html", {"page": page, "network": page.network})


@require_POST
@permission_required(permissions.can_invite_representative)
def representative_invite(request, pk):
    representative = selectors.representative_for_invitation_get(pk=pk)
    try:
        services.portal_invitation_create(representative=representative, invited_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("An invitation to the portal is on its way to %(email)s.")
            % {"email": representative.email},
        )
    return redirect("members:municipality_detail", slug=representative.municipality.slug)


_INVALID_STATUS = {"unknown": 404, "wrong_email": 403, "account_exists": 409}


def _invitation_problem(request, reason, invitation=None):
    return render(
        request,
        "members/invitation_invalid.html",
        {"reason": reason, "invitation": invitation},
        status=_INVALID_STATUS.get(reason, 410),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    # Open to anonymous visitors on purpose: the signed single-use token is the permission.
    try:
        invitation = services.portal_invitation_from_token(token=token)
    except services.InvitationInvalid as problem:
        return _invitation_problem(request, problem.reason)
    if request.user.is_authenticated:
        if request.user.email.lower() != invitation.email.lower():
            return _invitation_problem(request, "wrong_email", invitation)
        if request.method == "POST":
            try:
                services.portal_invitation_accept_existing(invitation=invitation, user=request.user)
            except services.InvitationInvalid as problem:
                return _invitation_problem(request, problem.reason, invitation)
            messages.success(
                request,
                _("Your account is now linked to %(name)s.")
                % {"name": invitation.representative.municipality.name},
            )
            return redirect("home")
        return render(request, "members/invitation_link.html", {"invitation": invitation})
    if User.objects.filter(email__iexact=invitation.email).exists():
        return _invitation_problem(request, "account_exists", invitation)
    new_user = User(
        email=invitation.email,
        first_name=invitation.representative.first_name,
        last_name=invitation.representative.last_name,
    )
    form = InvitationPasswordForm(new_user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.portal_invitation_accept(
                invitation=invitation,
                password=form.cleaned_data["new_password1"],
                language=get_language() or "de",
            )
        except services.InvitationInvalid as problem:
            return _invitation_problem(request, problem.reason, invitation)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome! Your account has been created."))
        return redirect("home")
    return render(
        request, "members/invitation_accept.html", {"invitation": invitation, "form": form}
    )


@require_http_methods(["GET", "POST"])
@permission_required(permissions.can_edit_profile)
def profile(request):
    data = selectors.profile_get(user=request.user)
    representative = data.representative
    posted = request.POST if request.method == "POST" else None
    contact_form = (
        ContactForm(posted, instance=representative, prefix="contact") if representative else None
    )
    language_form = LanguageForm(
        posted,
        initial={
            "language": request.user.language,
            "meeting_reminders": request.user.meeting_reminders,
        },
        prefix="account",
    )
    if posted is not None:
        forms_valid = language_form.is_valid() and (contact_form is None or contact_form.is_valid())
        if forms_valid:
            try:
                services.profile_update(
                    user=request.user,
                    representative=representative,
                    contact=contact_form.cleaned_data if contact_form else {},
                    language=language_form.cleaned_data["language"],
                    meeting_reminders=language_form.cleaned_data["meeting_reminders"],
                )
            except ValidationError as error:
                contact_form.add_error(None, error)
            else:
                messages.success(request, _("Your profile has been saved."))
                response = redirect("members:profile")
                # The saved language wins over one picked earlier with the switcher.
                response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
                return response
    return render(
        request,
        "members/profile.html",
        {"profile": data, "contact_form": contact_form, "language_form": language_form},
    )


@require_GET
@permission_required(permissions.can_edit_profile)
def data_export(request):
    data = selectors.user_data_export(user=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    filename = f"runder-tisch-daten-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_http_methods(["GET", "POST"])
@permission_required(permissions.can_edit_profile)
def account_delete(request):
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        services.account_delete(user=user)
        messages.success(request, _("Your account and your personal data have been deleted."))
        return redirect(reverse("home"))
    return render(request, "members/account_delete.html", {"form": form})
