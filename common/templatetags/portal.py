from django import template
from django.utils.safestring import mark_safe

from common.text import DEFAULT_HEADING_LEVEL, markdown_to_safe_html

register = template.Library()


@register.filter
def markdown(text, heading_level=DEFAULT_HEADING_LEVEL):
    """Markdown from users, sanitised (see common.text).

    `{{ text|markdown:2 }}` makes the text's top headings h2, for text right below the h1.
    """
    html = markdown_to_safe_html(text, heading_level=int(heading_level))
    return mark_safe(html)  # noqa: S308 - cleaned by nh3
