from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _

from members import permissions


class UserLanguageMiddleware:
    """Uses a signed-in user's chosen language unless they picked one in this session.

    Runs after LocaleMiddleware; a language chosen with the switcher (cookie) wins.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
            and user.language
        ):
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


# What staff without a second factor may still open: enrolment, logging out, the language
# switch and the pages every visitor sees.
MFA_EXEMPT_URL_NAMES = {
    "account_logout",
    "account_reauthenticate",
    "account_login",
    "set_language",
    "healthz",
    "legal_page",
    "javascript-catalog",
}


class StaffMfaRequiredMiddleware:
    """Staff and admins use nothing but the enrolment until they have a second factor.

    Runs after AuthenticationMiddleware and allauth's AccountMiddleware. Everybody else
    may opt in (profile → two-factor authentication). The check is made in process_view,
    where the handler has resolved the URL already (resolving it again cost every signed-in
    request); an address that matches no view gets its 404 as before.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not self._exempt(request.resolver_match)
            and permissions.must_use_mfa(user)
            and not permissions.has_mfa(user)
        ):
            messages.warning(
                request,
                _(
                    "Staff and administrators must set up two-factor authentication "
                    "before they can use the portal."
                ),
            )
            return redirect("mfa_activate_totp")
        return None

    @staticmethod
    def _exempt(match) -> bool:
        name = match.url_name or ""
        return name.startswith("mfa_") or name in MFA_EXEMPT_URL_NAMES
