"""LeanSelect and LeanRadioSelect write the same markup as Django's widgets, without a
template per option."""

from django import forms
from django.test.html import parse_html

from common.widgets import LeanRadioSelect, LeanSelect

CHOICES = [("", "Alle"), ("1", "Märkischer Kreis"), ("2", 'Olpe <"Süd">')]


def _rendered_by_both(django_widget, lean_widget, name, value, attrs, choices):
    """(Django's markup, the lean widget's markup), parsed for comparison."""
    expected = django_widget(choices=choices).render(name, value, attrs=attrs)
    lean = lean_widget(choices=choices).render(name, value, attrs=attrs)
    return parse_html(expected), parse_html(lean)


def _both(value, attrs=None, choices=CHOICES):
    return _rendered_by_both(forms.Select, LeanSelect, "kreis", value, attrs, choices)


def test_lean_select_matches_django_select_with_a_selected_option():
    expected, lean = _both("2", attrs={"id": "id_kreis", "aria-describedby": "hilfe"})
    assert lean == expected


def test_lean_select_matches_django_select_without_a_value():
    expected, lean = _both(None)
    assert lean == expected


def test_lean_select_escapes_labels():
    html = LeanSelect(choices=CHOICES).render("kreis", None)
    assert "Olpe &lt;&quot;Süd&quot;&gt;" in html
    assert '<"Süd">' not in html


def test_lean_select_matches_django_select_with_option_groups():
    groups = [("Sauerland", [("1", "Meschede"), ("2", "Brilon")]), ("3", "Olpe")]
    expected, lean = _both("2", choices=groups)
    assert lean == expected


RESPONSES = [("accepted", "Zusage"), ("declined", 'Absage <"sicher">'), ("tentative", "Vielleicht")]


def _both_radios(value, attrs=None):
    return _rendered_by_both(
        forms.RadioSelect, LeanRadioSelect, "response", value, attrs, RESPONSES
    )


def test_lean_radio_select_matches_django_radio_select_with_a_checked_button():
    expected, lean = _both_radios("declined", attrs={"id": "id_response", "required": True})
    assert lean == expected


def test_lean_radio_select_matches_django_radio_select_without_id_or_value():
    expected, lean = _both_radios(None)
    assert lean == expected


def test_lean_radio_select_escapes_labels():
    html = LeanRadioSelect(choices=RESPONSES).render("response", None)
    assert "Absage &lt;&quot;sicher&quot;&gt;" in html
    assert '<"sicher">' not in html
