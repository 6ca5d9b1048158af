from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from members.models import NetworkMembership
from tests.factories import (
    MunicipalityFactory,
    NetworkFactory,
    NetworkMembershipFactory,
    RepresentativeFactory,
)

pytestmark = pytest.mark.django_db


def test_municipality_ags_is_unique():
    MunicipalityFactory(ags="05962060")

    with pytest.raises(IntegrityError):
        MunicipalityFactory(ags="05962060")


def test_organisations_without_ags_may_coexist():
    MunicipalityFactory(ags=None, kind="agency")
    MunicipalityFactory(ags=None, kind="district_administration")


def test_municipality_has_only_one_current_main_contact(municipality):
    RepresentativeFactory(municipality=municipality, is_main_contact=True)

    with pytest.raises(IntegrityError):
        RepresentativeFactory(municipality=municipality, is_main_contact=True)


def test_former_main_contact_does_not_block_a_new_one(municipality):
    former = RepresentativeFactory(municipality=municipality, is_main_contact=True)
    former.ends_on = former.starts_on
    former.save()

    successor = RepresentativeFactory(municipality=municipality, is_main_contact=True)

    assert successor.pk


def test_representative_end_date_must_not_precede_start(municipality):
    representative = RepresentativeFactory(municipality=municipality)
    representative.ends_on = representative.starts_on.replace(
        year=representative.starts_on.year - 1
    )

    with pytest.raises(IntegrityError):
        representative.save()


def test_current_network_memberships_have_begun_and_not_ended():
    today = timezone.localdate()
    network = NetworkFactory()
    open_ended = NetworkMembershipFactory(network=network)
    running = NetworkMembershipFactory(
        network=network, starts_on=today - timedelta(days=30), ends_on=today
    )
    NetworkMembershipFactory(network=network, ends_on=today - timedelta(days=1))
    NetworkMembershipFactory(network=network, starts_on=today + timedelta(days=1))

    current = set(NetworkMembership.objects.current().filter(network=network))

    assert current == {open_ended, running}
