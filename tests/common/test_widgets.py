"""LeanSelect writes the same markup as Django's Select, without a template per option."""

from django import forms
from django.test.html import parse_html

from common.widgets import LeanSelect

CHOICES = [("", "Alle"), ("1", "Märkischer Kreis"), ("2", 'Olpe <"Süd">')]


def _both(value, attrs=None, choices=CHOICES):
    django_select = forms.Select(choices=choices).render("kreis", value, attrs=attrs)
    lean = LeanSelect(choices=choices).render("kreis", value, attrs=attrs)
    return parse_html(django_select), parse_html(lean)


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
