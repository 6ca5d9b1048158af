from django import template
from django.utils.safestring import mark_safe

from common.text import markdown_to_safe_html

register = template.Library()


@register.filter
def markdown(text):
    """Markdown from users, sanitised (see common.text)."""
    return mark_safe(markdown_to_safe_html(text))  # noqa: S308 - cleaned by nh3
