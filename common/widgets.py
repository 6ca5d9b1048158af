"""Form widgets for long option lists.

Django's Select renders each <option> through its own template include; with the 400
districts or networks of a filter that was about half of a page's rendering time. LeanSelect
writes the same markup in Python (escaped with format_html) and keeps one template for the
<select> element itself, so labels, attributes and accessibility stay as before.
"""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


def _options_html(options) -> str:
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (
                "" if option["value"] is None else str(option["value"]),
                flatatt(option["attrs"]),
                option["label"],
            )
            for option in options
        ),
    )


class LeanSelect(forms.Select):
    template_name = "common/widgets/lean_select.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        parts = []
        for group_name, options, _index in context["widget"]["optgroups"]:
            if group_name:
                parts.append(
                    format_html(
                        '<optgroup label="{}">{}</optgroup>', group_name, _options_html(options)
                    )
                )
            else:
                parts.append(_options_html(options))
        context["widget"]["options_html"] = mark_safe("".join(parts))  # noqa: S308 - escaped above
        return context
