"""The agenda's filters write what the template tags they replace wrote."""

from datetime import UTC, date, datetime

import pytest
from django.template import engines
from django.utils import translation


def _rendered(source, **context):
    return engines["django"].from_string("{% load i18n portal %}" + source).render(context)


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("count", [1, 25])
def test_minutes_matches_blocktranslate_with_count(language, count):
    plural = (
        "{% blocktranslate trimmed count minutes=value %}{{ minutes }} minute"
        "{% plural %}{{ minutes }} minutes{% endblocktranslate %}"
    )
    with translation.override(language):
        assert _rendered("{{ value|minutes }}", value=count) == _rendered(plural, value=count)


def test_minutes_speaks_german():
    with translation.override("de"):
        assert _rendered("{{ 1|minutes }} / {{ 25|minutes }}") == "1 Minute / 25 Minuten"


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("format_name", ["DATETIME_FORMAT", "SHORT_DATE_FORMAT", "H:i"])
@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 12, 3, 9, 0, tzinfo=UTC),  # winter: 10:00 in Berlin
        datetime(2026, 7, 3, 8, 30, tzinfo=UTC),  # summer: 10:30 in Berlin
        datetime(2026, 3, 29, 1, 15, 30, 250, tzinfo=UTC),  # the hour the clocks go forward
    ],
)
def test_time_element_matches_the_date_filters_in_berlin(moment, format_name, language):
    both = "<time datetime=\"{{ value|date:'c' }}\">{{ value|date:format_name }}</time>"
    with translation.override(language):
        lean = _rendered(
            "{{ value|time_element:format_name }}", value=moment, format_name=format_name
        )
        assert lean == _rendered(both, value=moment, format_name=format_name)


def test_time_element_writes_the_local_clock_and_german_date():
    with translation.override("de"):
        html = _rendered(
            '{{ value|time_element:"DATETIME_FORMAT" }}',
            value=datetime(2026, 12, 3, 9, 0, tzinfo=UTC),
        )
    assert html == '<time datetime="2026-12-03T10:00:00+01:00">3. Dezember 2026 10:00</time>'


def test_time_element_of_nothing_is_empty():
    assert _rendered("{{ value|time_element }}", value=None) == ""


@pytest.mark.parametrize("format_name", ["DATE_FORMAT", "SHORT_DATE_FORMAT"])
@pytest.mark.parametrize("value", [date(2026, 12, 3), datetime(2026, 12, 3, 10, 0)])
def test_time_element_matches_the_date_filters_for_dates_and_naive_times(value, format_name):
    both = "<time datetime=\"{{ value|date:'c' }}\">{{ value|date:format_name }}</time>"
    with translation.override("de"):
        lean = _rendered(
            "{{ value|time_element:format_name }}", value=value, format_name=format_name
        )
        assert lean == _rendered(both, value=value, format_name=format_name)
