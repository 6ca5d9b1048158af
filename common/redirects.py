"""Where a form sends people back to: the ``next`` it was given, if that is safe."""

from django.utils.http import url_has_allowed_host_and_scheme


def next_path(request, default: str | None = None) -> str | None:
    """The ``next`` of the request (POST, else GET) when it is a path on this site.

    Anything else gives ``default``: an address elsewhere would make the portal an open
    redirect, and a bare name would make ``redirect()`` look for a view of that name.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
