"""``{{ meeting|mail_scope }}``: the outbox scope of an object, for links to its mail page."""

from django import template

from notifications.models import scope_for

register = template.Library()


@register.filter
def mail_scope(instance) -> str:
    return scope_for(instance)
