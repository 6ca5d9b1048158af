"""Hostile query strings against the library's GET endpoints: never a server error.

Every parameter of the list, the CSV export and the Atom feed gets arbitrary text, including
NUL, lone surrogates and bytes that are not UTF-8, straight into the raw query string.
"""

from urllib.parse import quote_from_bytes

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from practices.selectors import PARAMETERS
from tests.practices.factories import IndexedPracticeFactory

pytestmark = pytest.mark.django_db

ENDPOINTS = ["practices:list", "practices:export", "practices:feed"]
HYPOTHESIS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Found by hand against the production configuration (issue: hostile input and misuse).
KNOWN_BAD = [
    "q=-",
    *[f"q={quote_from_bytes(char.encode())}" for char in "&|!'\"\\(*_%:"],
    "q=%3C-%3E",
    "q=%F0%9F%98%80",  # an emoji
    "q=%E2%80%AE",  # right-to-left override
    "q=%00",
    "q=%FF%FE",  # not UTF-8
    "q=%ED%A0%80",  # a lone surrogate, encoded
    "q=Willkommens%00tasche",
    "kreis=%00",
    "thema=%00&kommune=%00&netzwerk=%00",
    "beginn=0",
    "beginn=-1",
    "beginn=10000",
    "beginn=99999999999999999999999",
    "beginn=1e309",
    "beginn=NaN",
    "einwohner=%00",
    "seite=-1",
    "seite=99999999999999999999",
    "sortierung=aehnliche-kommunen",
    "aehnlich=ja",
    "q=" + "a" * 5000,
    "q=" + "%20-" * 300,
]


def raw_value():
    text = st.text(alphabet=st.characters(codec=None), max_size=60).map(
        lambda value: value.encode("utf-8", "surrogatepass")
    )
    return st.one_of(st.binary(max_size=40), text)


@pytest.fixture
def library(municipality):
    IndexedPracticeFactory(
        title="Willkommenstasche", summary="Für Neubürger.", municipalities=[municipality]
    )
    IndexedPracticeFactory(title="Fachkräftesicherung", summary="Ein Bündnis.", is_public=True)


@pytest.mark.parametrize("url_name", ENDPOINTS)
def test_known_hostile_query_strings_never_fail(library, role_users, client_for, url_name):
    client = client_for(role_users["representative"])

    failures = [
        query_string
        for query_string in KNOWN_BAD
        if client.get(reverse(url_name), QUERY_STRING=query_string).status_code != 200
    ]

    assert failures == []


@pytest.mark.parametrize("role", ["anonymous", "representative"])
@pytest.mark.parametrize("url_name", ENDPOINTS)
def test_arbitrary_bytes_in_every_parameter_never_fail(
    library, role_users, client_for, url_name, role
):
    client = client_for(role_users[role])
    url = reverse(url_name)

    @HYPOTHESIS
    @given(name=st.sampled_from(PARAMETERS), value=raw_value(), other=raw_value())
    def request_with(name, value, other):
        query_string = f"{name}={quote_from_bytes(value)}&q={quote_from_bytes(other)}"
        response = client.get(url, QUERY_STRING=query_string)
        assert response.status_code == 200, query_string

    request_with()
