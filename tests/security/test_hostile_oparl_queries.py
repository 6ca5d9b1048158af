"""Hostile query strings against every OParl list: an OParl error or a page, never a 500."""

import json

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oparl.views import LIST_SECTIONS
from tests.security.hostile import SCRIPT, hostile_date, hostile_number, hostile_text

pytestmark = pytest.mark.django_db

PARAMETERS = {
    "created_since": st.one_of(hostile_date, hostile_text),
    "created_until": st.one_of(hostile_date, hostile_text),
    "modified_since": st.one_of(hostile_date, hostile_text),
    "modified_until": st.one_of(hostile_date, hostile_text),
    "omit_internal": hostile_text,
    "limit": hostile_number,
    "after": st.one_of(hostile_number, hostile_text),
}


@pytest.mark.parametrize("name", sorted(LIST_SECTIONS))
def test_hostile_list_parameters_answer_a_page_or_an_oparl_error(name, client, world):
    url = reverse("oparl:list", args=[1, name])

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(query=st.dictionaries(st.sampled_from(sorted(PARAMETERS)), hostile_text, max_size=3))
    def request(query):
        query = {key: value.replace("\x00", "") for key, value in query.items()}
        response = client.get(url, query)
        assert response.status_code in (200, 400)
        assert response["Content-Type"] == "application/json; charset=utf-8"
        body = json.loads(response.content)
        if response.status_code == 400:
            assert body["type"] == "https://schema.oparl.org/1.1/Error"
        assert SCRIPT not in response.content.decode()

    request()


@pytest.mark.parametrize("parameter", sorted(PARAMETERS))
def test_each_hostile_parameter_alone_never_fails(parameter, client, world):
    url = reverse("oparl:list", args=[1, "organization"])

    @settings(
        max_examples=20,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(value=PARAMETERS[parameter])
    def request(value):
        response = client.get(url, {parameter: value.replace("\x00", "")})
        assert response.status_code in (200, 400)

    request()
