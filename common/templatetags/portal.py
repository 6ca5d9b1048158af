from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.formats import date_format, localize
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext

from common.text import DEFAULT_HEADING_LEVEL, markdown_to_safe_html

register = template.Library()


@register.filter
def markdown(text, heading_level=DEFAULT_HEADING_LEVEL):
    """Markdown from users, sanitised (see common.text).

    `{{ text|markdown:2 }}` makes the text's top headings h2, for text right below the h1.
    """
    html = markdown_to_safe_html(text, heading_level=int(heading_level))
    return mark_safe(html)  # noqa: S308 - cleaned by nh3


@register.filter
def minutes(value):
    """A duration as "1 Minute" or "25 Minuten".

    The same words as ``{% blocktranslate count %}``, which cost an agenda of ten items half
    of its rendering time (1.2 of 2.4 ms).
    """
    return ngettext("%(minutes)s minute", "%(minutes)s minutes", value) % {
        "minutes": localize(value)
    }


@register.filter
def time_element(value, format_name="DATETIME_FORMAT"):
    """``<time datetime="2026-12-03T10:00:00+01:00">3. Dezember 2026 10:00</time>``.

    What ``<time datetime="{{ value|date:'c' }}">{{ value|date:format_name }}</time>``
    writes (in the current time zone and language), converting the time once instead of
    twice: a meeting list of 40 rows spent 1.6 ms on its dates.
    """
    if value in (None, ""):
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return format_html(
        '<time datetime="{}">{}</time>', value.isoformat(), date_format(value, format_name)
    )
