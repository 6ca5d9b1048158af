"""The agenda's filters write what the template tags they replace wrote."""

from datetime import UTC, datetime

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


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 12, 3, 9, 0, tzinfo=UTC),  # winter: 10:00 in Berlin
        datetime(2026, 7, 3, 8, 30, tzinfo=UTC),  # summer: 10:30 in Berlin
        datetime(2026, 3, 29, 1, 15, 30, 250, tzinfo=UTC),  # the hour the clocks go forward
    ],
)
def test_clock_time_matches_the_date_and_time_filters_in_berlin(moment):
    both = "<time datetime=\"{{ value|date:'c' }}\">{{ value|time:'H:i' }}</time>"

    assert _rendered("{{ value|clock_time }}", value=moment) == _rendered(both, value=moment)


def test_clock_time_uses_the_local_clock():
    assert ">10:00</time>" in _rendered(
        "{{ value|clock_time }}", value=datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    )
