"""factory_boy factories for the portal's models."""

import functools
from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone

from meetings.models import AgendaItem, Invitation, Meeting, Series
from members.models import District, Municipality, Network, NetworkMembership, Representative, User
from members.permissions import STAFF_GROUP_NAME
from practices.models import Practice, Topic

PASSWORD = "Test-Passwort-2026"


def password_hash() -> str:
    """PASSWORD hashed with the portal's own hasher, once per test process and hasher.

    Hashing costs about 0.4 s (PBKDF2 as in production); a test that makes five users would
    spend two seconds on it. Sharing one hash (and salt) keeps log-ins real and costs nothing.
    """
    return _password_hash(settings.PASSWORD_HASHERS[0])


@functools.cache
def _password_hash(hasher: str) -> str:
    return make_password(PASSWORD)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name", locale="de_DE")
    last_name = factory.Faker("last_name", locale="de_DE")
    password = factory.LazyFunction(password_hash)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


# Staff and admins must have a second factor (members.middleware); the tests' one.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_enrol(user, secret: str = TOTP_SECRET) -> None:
    TOTP.activate(user, secret)


class StaffUserFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def staff_group(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name=STAFF_GROUP_NAME))

    @factory.post_generation
    def second_factor(self, create, extracted, **kwargs):
        # ``second_factor=False`` makes a staff member who has not enrolled yet.
        if create and extracted is not False:
            totp_enrol(self)


class AdminUserFactory(UserFactory):
    is_staff = True
    is_superuser = True

    @factory.post_generation
    def second_factor(self, create, extracted, **kwargs):
        if create and extracted is not False:
            totp_enrol(self)


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ["ags_prefix"]

    ags_prefix = factory.Sequence(lambda n: f"{90000 + n:05d}")
    name = factory.Sequence(lambda n: f"Testkreis {n}")
    seat = "Teststadt"


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    name = factory.Sequence(lambda n: f"Teststadt {n}")
    slug = factory.Sequence(lambda n: f"teststadt-{n}")
    ags = factory.Sequence(lambda n: f"{99000000 + n:08d}")
    kind = Municipality.Kind.CITY
    district = factory.SubFactory(DistrictFactory)
    population = 20000


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network

    name = factory.Sequence(lambda n: f"Netzwerk {n}")
    slug = factory.Sequence(lambda n: f"netzwerk-{n}")


class NetworkMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NetworkMembership

    network = factory.SubFactory(NetworkFactory)
    municipality = factory.SubFactory(MunicipalityFactory)


class RepresentativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Representative

    municipality = factory.SubFactory(MunicipalityFactory)
    first_name = factory.Faker("first_name", locale="de_DE")
    last_name = factory.Faker("last_name", locale="de_DE")
    function = Representative.Function.CITY_MARKETING
    email = factory.Sequence(lambda n: f"vertretung{n}@example.org")
    phone = "+49 2931 123456"
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=365))


class RepresentativeUserFactory(UserFactory):
    """A user linked to a current representative of a (new) municipality."""

    @factory.post_generation
    def representative(self, create, extracted, **kwargs):
        if create:
            municipality = extracted or MunicipalityFactory()
            RepresentativeFactory(user=self, municipality=municipality, email=self.email)


class SeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Series

    name = factory.Sequence(lambda n: f"Reihe {n}")
    slug = factory.Sequence(lambda n: f"reihe-{n}")


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    series = factory.SubFactory(SeriesFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Treffen {n}")
    host = factory.SubFactory(MunicipalityFactory)
    format = Meeting.Format.ONLINE
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))
    ends_at = factory.LazyAttribute(lambda meeting: meeting.starts_at + timedelta(hours=2))
    online_url = "https://konferenz.example.org/raum"
    status = Meeting.Status.SCHEDULED


class HeldMeetingFactory(MeetingFactory):
    """A meeting that was sent out and took place a month ago."""

    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=30))


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    position = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Tagesordnungspunkt {n}")
    duration_minutes = 15


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    meeting = factory.SubFactory(MeetingFactory)
    representative = factory.SubFactory(RepresentativeFactory)
    on_behalf_of = factory.LazyAttribute(lambda invitation: invitation.representative.municipality)


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Thema {n}")
    slug = factory.Sequence(lambda n: f"thema-{n}")


class PracticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Practice
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Praxisbeispiel {n}")
    slug = factory.Sequence(lambda n: f"praxisbeispiel-{n}")
    summary = "Eine kurze Zusammenfassung."
    status = Practice.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def municipalities(self, create, extracted, **kwargs):
        if create:
            self.municipalities.set(extracted or [MunicipalityFactory()])
