"""Choice labels looked up in their choices class (common.choices), as the models use them."""

import pytest
from django.utils import translation

from meetings.models import Invitation, Meeting
from members.models import Municipality, Representative

CASES = [
    (Municipality, "kind", "city"),
    (Representative, "function", "city_marketing"),
    (Meeting, "format", "online"),
    (Invitation, "response", "accepted"),
]


@pytest.mark.parametrize(("model", "field", "value"), CASES)
@pytest.mark.parametrize("language", ["de", "en"])
def test_display_answers_as_django_would(model, field, value, language):
    instance = model(**{field: value})
    choices = dict(model._meta.get_field(field).flatchoices)

    with translation.override(language):
        label = getattr(instance, f"get_{field}_display")()

        assert label == str(choices[value])
        assert type(label) is str


@pytest.mark.parametrize(("model", "field", "value"), CASES)
def test_display_of_a_value_outside_the_choices_is_the_value(model, field, value):
    instance = model(**{field: "retired-value"})

    assert getattr(instance, f"get_{field}_display")() == "retired-value"


def test_labels_follow_the_language():
    municipality = Municipality(kind="city")

    with translation.override("de"):
        german = municipality.get_kind_display()
    with translation.override("en"):
        english = municipality.get_kind_display()

    assert (german, english) == ("Stadt", "Town")
