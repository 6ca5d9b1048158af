"""Form widgets for long option lists.

Django's Select builds a dictionary per option and renders each <option> through its own
template include; with the 400 districts or networks of a filter that was about half of a
page's rendering time. LeanSelect writes the same markup (escaped) in Python straight from
the choices and keeps one template for the <select> element itself, so label, attributes and
accessibility stay as before. The library's filters write their options the same way
(option_html), and LeanRadioSelect does it for radio buttons (three templates per button).
"""

from html import escape as _escape

from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe


def escape(text) -> str:
    """What django.utils.html.escape returns (the standard library's escape of the text),
    without its wrapper for lazy strings: that wrapper was most of the cost of writing the
    hundreds of options of a library page."""
    return _escape(str(text))


def option_html(value, label, *, selected: bool = False) -> str:
    """One escaped <option>; the caller marks the joined options safe."""
    marker = " selected" if selected else ""
    return f'<option value="{escape(value)}"{marker}>{escape(label)}</option>'


class LeanSelect(forms.Select):
    template_name = "common/widgets/lean_select.html"

    def get_context(self, name, value, attrs):
        # forms.Widget's context only: Select's would build the per-option dictionaries.
        context = forms.Widget.get_context(self, name, value, attrs)
        selected = set(context["widget"]["value"])
        parts = []
        for group_value, group_label in self.choices:
            if isinstance(group_label, (list, tuple)):
                parts.append(f'<optgroup label="{escape(group_value)}">')
                for option_value, option_label in group_label:
                    parts.append(self._option(option_value, option_label, selected))
                parts.append("</optgroup>")
            else:
                parts.append(self._option(group_value, group_label, selected))
        # Every value and label is escaped in _option.
        context["widget"]["options_html"] = mark_safe("".join(parts))  # noqa: S308
        return context

    def _option(self, value, label, selected):
        value = "" if value is None else str(value)
        is_selected = value in selected
        if is_selected and not self.allow_multiple_selected:
            selected.discard(value)  # as Select: only the first such option is selected
        return option_html(value, label, selected=is_selected)


class LeanRadioSelect(forms.RadioSelect):
    """RadioSelect's markup written in Python: each button took Django three template
    includes (option, input, attributes), about 1 ms for the four answers of an invitation."""

    template_name = "common/widgets/lean_radio.html"

    def get_context(self, name, value, attrs):
        context = forms.Widget.get_context(self, name, value, attrs)
        widget = context["widget"]
        checked = set(widget["value"])
        input_attrs = {key: item for key, item in widget["attrs"].items() if key != "id"}
        parts = []
        for index, (option_value, option_label) in enumerate(self.choices):
            if isinstance(option_label, (list, tuple)):
                raise TypeError("LeanRadioSelect has no option groups")
            option_value = "" if option_value is None else str(option_value)
            option_attrs = dict(input_attrs)
            if widget["attrs"].get("id"):
                option_attrs["id"] = self.id_for_label(widget["attrs"]["id"], index)
            if option_value in checked:
                option_attrs["checked"] = True
            label_for = f' for="{escape(option_attrs["id"])}"' if "id" in option_attrs else ""
            parts.append(
                f"<div><label{label_for}>"
                f'<input type="{self.input_type}" name="{escape(name)}"'
                f' value="{escape(option_value)}"{flatatt(option_attrs)}>'
                f" {escape(option_label)}</label></div>"
            )
        # Every value, label and attribute is escaped above (flatatt escapes its values).
        widget["options_html"] = mark_safe("".join(parts))  # noqa: S308
        return context


class NameChoiceIterator(forms.models.ModelChoiceIterator):
    """The options as (pk, name) rows of one plain SELECT.

    ModelChoiceIterator builds a model instance per option and reads them through a
    server-side cursor (on PostgreSQL outside a transaction DECLARE … WITH HOLD); for the 400
    districts of a filter that was most of the form's cost, though the option shows the name
    alone.
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.queryset.values_list("pk", "name")

    def __len__(self):
        return self.queryset.count() + (1 if self.field.empty_label is not None else 0)


class NameChoiceField(forms.ModelChoiceField):
    """A choice of rows whose label is their ``name`` column (``__str__`` returns it), drawn
    by LeanSelect; the chosen value is still checked and returned as a model instance."""

    iterator = NameChoiceIterator
    widget = LeanSelect
