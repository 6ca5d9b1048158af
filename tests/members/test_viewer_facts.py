"""The viewer's facts (staff group, current representative) read in one statement must give
the ORM's answer: the one definition of "current representative" stays
``Representative.objects.current()``."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from members import permissions
from members.models import Representative, User
from members.selectors import viewer_facts_get
from tests import factories

pytestmark = pytest.mark.django_db


def _orm_answer(user):
    representative = (
        Representative.objects.current()
        .filter(user=user)
        .select_related("municipality", "municipality__district")
        .order_by("-is_main_contact", "-starts_on", "pk")
        .first()
    )
    in_group = user.groups.filter(name=permissions.STAFF_GROUP_NAME).exists()
    return in_group, representative


def _facts(user):
    return viewer_facts_get(user=user, staff_group_name=permissions.STAFF_GROUP_NAME)


def _same_row(ours, theirs):
    if theirs is None:
        return ours is None
    fields = Representative._meta.concrete_fields
    municipality_fields = type(theirs.municipality)._meta.concrete_fields
    return (
        [getattr(ours, f.attname) for f in fields] == [getattr(theirs, f.attname) for f in fields]
        and [getattr(ours.municipality, f.attname) for f in municipality_fields]
        == [getattr(theirs.municipality, f.attname) for f in municipality_fields]
        and ours.municipality.district == theirs.municipality.district
    )


def _user_with(*rows):
    user = factories.UserFactory()
    for extra in rows:
        factories.RepresentativeFactory(user=user, **extra)
    return user


TODAY = timezone.localdate()
CASES = {
    "no representative row": [],
    "current": [{}],
    "ended yesterday": [{"ends_on": TODAY - timedelta(days=1)}],
    "ends today": [{"ends_on": TODAY}],
    "starts tomorrow": [{"starts_on": TODAY + timedelta(days=1)}],
    "starts today": [{"starts_on": TODAY}],
    "anonymised": [{"anonymised_at": timezone.now()}],
    "main contact before a later start": [
        {"starts_on": TODAY - timedelta(days=10)},
        {"starts_on": TODAY - timedelta(days=900), "is_main_contact": True},
    ],
    "latest start first": [
        {"starts_on": TODAY - timedelta(days=900)},
        {"starts_on": TODAY - timedelta(days=10)},
    ],
    "ended row beside a current one": [
        {"starts_on": TODAY - timedelta(days=10), "ends_on": TODAY - timedelta(days=2)},
        {"starts_on": TODAY - timedelta(days=900)},
    ],
}


@pytest.mark.parametrize("case", CASES)
def test_viewer_facts_give_the_orms_current_representative(case):
    user = _user_with(*CASES[case])

    facts = _facts(user)
    in_group, representative = _orm_answer(user)

    assert facts.in_staff_group is in_group is False
    assert _same_row(facts.representative, representative)


def test_viewer_facts_load_the_municipality_without_a_district():
    municipality = factories.MunicipalityFactory(district=None)
    user = _user_with({"municipality": municipality})

    with CaptureQueriesContext(connection) as queries:
        representative = _facts(user).representative
        assert representative.municipality.district is None
        assert representative.municipality.name == municipality.name

    assert len(queries) == 1


def test_viewer_facts_load_municipality_and_district_in_the_same_query(representative_user):
    expected = Representative.objects.get(user=representative_user).municipality.district

    with CaptureQueriesContext(connection) as queries:
        representative = _facts(representative_user).representative
        district = representative.municipality.district

    assert len(queries) == 1
    assert (district.pk, district.name) == (expected.pk, expected.name)
    assert representative._state.adding is False
    assert representative._state.db == "default"


def test_viewer_facts_see_the_staff_group_and_only_that_group(staff_user):
    other = factories.UserFactory()
    other.groups.add(Group.objects.create(name="Other group"))

    assert _facts(staff_user).in_staff_group is True
    assert _facts(other).in_staff_group is False
    assert _facts(staff_user).representative is None


def test_a_staff_member_who_represents_a_municipality_has_both_facts(staff_user, municipality):
    factories.RepresentativeFactory(user=staff_user, municipality=municipality)

    facts = _facts(staff_user)

    assert facts.in_staff_group is True
    assert facts.representative.municipality_id == municipality.pk


def test_role_checks_of_one_request_ask_the_database_once(representative_user):
    user = User.objects.get(pk=representative_user.pk)

    with CaptureQueriesContext(connection) as queries:
        assert permissions.role_of(user) == "representative"
        assert permissions.is_member(user)
        assert not permissions.is_agency_staff(user)
        assert permissions.current_municipality(user).slug == "werdohl"

    assert len(queries) == 1
