"""The one way a view is guarded.

A view names the check from its app's ``permissions.py``::

    @permission_required(permissions.can_manage_meetings)
    def meeting_create(request): ...

Checks that need the object (a draft example, a meeting's documents) run inside the view
once the object is loaded and refuse with ``raise PermissionDenied``. Either way the 403
handler (``roundtable.views.error_403``) sends visitors who are not logged in to the log-in
page and shows everybody else the 403 page, so every refusal looks the same.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied


def permission_required(check):
    """Let the request through only when ``check(request.user)`` is true."""

    def decorator(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return guarded

    return decorator


def logged_in(user) -> bool:
    """A check for views that any signed-in account may use."""
    return bool(user.is_authenticated and user.is_active)
