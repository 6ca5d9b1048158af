from django.conf import settings
from django.utils import translation


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
