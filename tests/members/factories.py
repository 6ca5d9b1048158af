import secrets
from datetime import timedelta

import factory
from django.utils import timezone

from members.models import PortalInvitation
from tests.factories import RepresentativeFactory


class PortalInvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PortalInvitation

    representative = factory.SubFactory(RepresentativeFactory)
    email = factory.LazyAttribute(lambda invitation: invitation.representative.email)
    key = factory.LazyFunction(lambda: secrets.token_urlsafe(32))
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))
