import pytest
from django.core.exceptions import ValidationError

from meetings.forms import MinutesForm
from meetings.models import MINUTES_MAX_LENGTH, Meeting
from practices.forms import PracticeForm
from practices.models import SECTION_MAX_LENGTH, Practice


@pytest.mark.parametrize(
    ("model", "field", "limit"),
    [
        (Practice, "implementation", SECTION_MAX_LENGTH),
        (Practice, "lessons_learned", SECTION_MAX_LENGTH),
        (Meeting, "description", 5000),
    ],
)
def test_long_text_limit_is_enforced_by_model_validation(model, field, limit):
    model_field = model._meta.get_field(field)

    model_field.clean("x" * limit, None)
    with pytest.raises(ValidationError):
        model_field.clean("x" * (limit + 1), None)


@pytest.mark.django_db
def test_practice_form_states_the_section_limit(representative_user):
    html = str(PracticeForm(user=representative_user)["implementation"])

    assert f'maxlength="{SECTION_MAX_LENGTH}"' in html


def test_minutes_form_states_and_enforces_its_limit():
    form = MinutesForm(data={"text": "[" * (MINUTES_MAX_LENGTH + 1)})

    assert f'maxlength="{MINUTES_MAX_LENGTH}"' in str(MinutesForm()["text"])
    assert not form.is_valid()
    assert "text" in form.errors
