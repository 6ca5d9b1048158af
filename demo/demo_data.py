"""Demo data for `make run`: fictional people, the real region, one real-looking meeting.

Everything is keyed on stable values (e-mail addresses, slugs, AGS, series number), so
loading twice changes nothing.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from meetings.models import AgendaItem, Invitation, Meeting, Series
from members.models import District, Municipality, Network, NetworkMembership, Representative, User
from members.permissions import STAFF_GROUP_NAME
from members.services import region_load, staff_group_sync
from practices.models import Practice, Topic
from practices.services import practice_search_index_update

DEMO_PASSWORD = "Demo-Passwort-2026"
BERLIN = ZoneInfo("Europe/Berlin")

AGENCY_NAME = "Südwestfalen Agentur"
SERIES_NAME = "Runder Tisch – Willkommen in Südwestfalen"
SMART_CITIES = "Smart Cities: 5 für Südwestfalen"
PERSPEKTIVE = "Perspektive Südwestfalen 2.0"
PIONEERS = ["Arnsberg", "Bad Berleburg", "Menden (Sauerland)", "Olpe", "Soest"]

# Clearly fictional names for the demo representatives.
FIRST_NAMES = [
    "Anna",
    "Ben",
    "Clara",
    "David",
    "Eva",
    "Felix",
    "Greta",
    "Hannes",
    "Ida",
    "Jonas",
    "Klara",
    "Lukas",
    "Mia",
    "Noah",
    "Olga",
    "Paul",
    "Quirin",
    "Rosa",
    "Simon",
    "Tina",
]
LAST_NAMES = ["Muster", "Beispiel", "Probe", "Exempel", "Testweg", "Demoberg", "Musterhaus"]


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    name: str
    municipality: str = ""


DEMO_LOGINS = [
    DemoLogin("admin", "admin@example.org", "Ada Admin"),
    DemoLogin("staff", "team@example.org", "Erika Musterfrau", AGENCY_NAME),
    DemoLogin("representative", "werdohl@example.org", "Mara Muster", "Werdohl"),
    DemoLogin("representative", "olpe@example.org", "Theo Testmann", "Olpe"),
]


def _user(email, name, *, is_superuser=False, is_staff=False):
    first_name, last_name = name.split(" ", 1)
    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "is_superuser": is_superuser,
            "is_staff": is_staff or is_superuser,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _organisations():
    agency, _ = Municipality.objects.get_or_create(
        slug="suedwestfalen-agentur",
        defaults={"name": AGENCY_NAME, "kind": Municipality.Kind.AGENCY},
    )
    for district in District.objects.all():
        Municipality.objects.get_or_create(
            slug=f"kreisverwaltung-{district.ags_prefix}",
            defaults={
                "name": f"Kreisverwaltung {district.name}",
                "kind": Municipality.Kind.DISTRICT_ADMINISTRATION,
                "district": district,
            },
        )
    return agency


def _representative(municipality, *, email, first_name, last_name, function, user=None, main=False):
    representative, _ = Representative.objects.get_or_create(
        email=email,
        municipality=municipality,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "function": function,
            "user": user,
            "is_main_contact": main,
            "starts_on": datetime(2024, 1, 1).date(),
            "phone": "+49 2931 000000",
        },
    )
    return representative


def _networks():
    perspektive, _ = Network.objects.get_or_create(
        slug="perspektive-suedwestfalen-2-0",
        defaults={
            "name": PERSPEKTIVE,
            "description": (
                "Projekt der Südwestfalen Agentur mit den Kampagnen „Touristen zum Neubürger "
                "gewinnen“ und „Medizin & Pflege“."
            ),
        },
    )
    smart, _ = Network.objects.get_or_create(
        slug="smart-cities-5-fuer-suedwestfalen",
        defaults={
            "name": SMART_CITIES,
            "description": "Modellprojekt mit 5 Pionierkommunen und 15 Netzwerkkommunen.",
        },
    )
    for municipality in Municipality.objects.filter(name__in=PIONEERS):
        NetworkMembership.objects.get_or_create(
            network=smart,
            municipality=municipality,
            starts_on=None,
            defaults={"role": NetworkMembership.Role.PIONEER},
        )
    return perspektive, smart


# Staff and admins must log in with a second factor. The demo accounts share this publicly
# known TOTP secret: add it to an authenticator app (or compute the code with
# ``oathtool --totp -b <secret>``). Never use it outside the demo.
DEMO_TOTP_SECRET = "KRUGKIDROVUGKIDSOVXGIZLSEBKGS43D"


def _second_factor(user) -> None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)


@transaction.atomic
def demo_data_load() -> list[DemoLogin]:
    region_load()
    staff_group_sync()
    agency = _organisations()

    admin_login, staff_login, werdohl_login, olpe_login = DEMO_LOGINS
    admin_user = _user(admin_login.email, admin_login.name, is_superuser=True)
    staff_user = _user(staff_login.email, staff_login.name, is_staff=True)
    staff_user.groups.add(Group.objects.get(name=STAFF_GROUP_NAME))
    for user in (admin_user, staff_user):
        _second_factor(user)
    _representative(
        agency,
        email=staff_login.email,
        first_name="Erika",
        last_name="Musterfrau",
        function=Representative.Function.AGENCY,
        user=staff_user,
        main=True,
    )

    werdohl = Municipality.objects.get(name="Werdohl")
    olpe = Municipality.objects.get(name="Olpe")
    werdohl_rep = _representative(
        werdohl,
        email=werdohl_login.email,
        first_name="Mara",
        last_name="Muster",
        function=Representative.Function.CITY_MARKETING,
        user=_user(werdohl_login.email, werdohl_login.name),
        main=True,
    )
    _representative(
        olpe,
        email=olpe_login.email,
        first_name="Theo",
        last_name="Testmann",
        function=Representative.Function.ECONOMIC_DEVELOPMENT,
        user=_user(olpe_login.email, olpe_login.name),
        main=True,
    )

    # One fictional representative (without an account) for each further municipality.
    functions = [
        Representative.Function.CITY_MARKETING,
        Representative.Function.ECONOMIC_DEVELOPMENT,
        Representative.Function.MUNICIPAL_ADMINISTRATION,
    ]
    others = Municipality.objects.filter(ags__isnull=False).exclude(pk__in=[werdohl.pk, olpe.pk])
    for index, municipality in enumerate(others.order_by("ags")):
        first = FIRST_NAMES[index % len(FIRST_NAMES)]
        last = LAST_NAMES[index % len(LAST_NAMES)]
        _representative(
            municipality,
            email=f"{municipality.slug}@example.org",
            first_name=first,
            last_name=last,
            function=functions[index % len(functions)],
            main=True,
        )

    perspektive, smart = _networks()
    practice = _practice(werdohl, werdohl_rep)
    _meeting(agency, werdohl, werdohl_rep, staff_user, practice, perspektive, smart)
    return DEMO_LOGINS


def _practice(werdohl, contact):
    practice, created = Practice.objects.get_or_create(
        slug="willkommenstasche-werdohl",
        defaults={
            "title": "Willkommenstasche",
            "summary": (
                "Werdohl begrüßt neue Bürgerinnen und Bürger mit einer Willkommenstasche voller "
                "Informationen, Gutscheine und Produkte aus der Stadt."
            ),
            "keywords": "Neubürger, Begrüßung, Einzelhandel",
            "starting_situation": "Neu Zugezogene kannten die Angebote der Stadt kaum.",
            "goals": "Neubürgerinnen und Neubürger früh willkommen heißen und an die Stadt binden.",
            "implementation": (
                "Bei der Anmeldung im Bürgerbüro erhalten Neubürger eine Tasche mit Stadtplan, "
                "Vereinsübersicht und Gutscheinen des örtlichen Handels."
            ),
            "resources": "Stadtmarketing, Bürgerbüro, Sponsoren aus dem Handel.",
            "results": "Die Taschen werden gern angenommen; Gutscheine werden eingelöst.",
            "lessons_learned": "Partner aus dem Handel früh einbinden.",
            "transferability": "Gut auf andere Kommunen übertragbar.",
            "status": Practice.Status.PUBLISHED,
            "is_public": True,
            "contact": contact,
            "published_at": timezone.now(),
        },
    )
    if created:
        practice.municipalities.add(werdohl)
        practice.topics.add(
            *Topic.objects.filter(slug__in=["willkommenskultur", "neubuerger-gewinnung"])
        )
    # Keeps the demo example findable, also in databases loaded before the index existed.
    practice_search_index_update(practice_ids=[practice.pk])
    return practice


def _meeting(agency, werdohl, werdohl_rep, staff_user, practice, perspektive, smart):
    series, _ = Series.objects.get_or_create(
        slug="runder-tisch-willkommen-in-suedwestfalen",
        defaults={"name": SERIES_NAME},
    )
    starts_at = datetime(2026, 12, 10, 10, 0, tzinfo=BERLIN)
    meeting, created = Meeting.objects.get_or_create(
        series=series,
        number=15,
        defaults={
            "title": "Willkommenskultur in Werdohl",
            "description": "Digitales Treffen des Runden Tisches, zu Gast bei der Stadt Werdohl.",
            "host": werdohl,
            "format": Meeting.Format.ONLINE,
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(hours=2),
            "online_url": "https://konferenz.example.org/runder-tisch-15",
            "status": Meeting.Status.SCHEDULED,
            "organiser": staff_user,
        },
    )
    if not created:
        return meeting
    staff_rep = agency.representatives.first()
    items = [
        ("Begrüßung durch die Südwestfalen Agentur", agency, 10, None, staff_rep),
        ("Werdohl stellt die „Willkommenstasche“ vor", werdohl, 30, practice, werdohl_rep),
        (f"Modellprojekt „{smart.name}“", agency, 25, None, staff_rep),
        (
            f"Überblick „{perspektive.name}“: Kampagnen „Touristen zum Neubürger gewinnen“ "
            "und „Medizin & Pflege“",
            agency,
            25,
            None,
            staff_rep,
        ),
    ]
    for position, (title, municipality, minutes, linked_practice, presenter) in enumerate(items):
        item = AgendaItem.objects.create(
            meeting=meeting,
            position=position,
            title=title,
            presenting_municipality=municipality,
            duration_minutes=minutes,
            practice=linked_practice,
        )
        if presenter:
            item.presenters.add(presenter)
    invited = Representative.objects.filter(municipality__ags__isnull=False).order_by(
        "municipality__ags"
    )[:40]
    Invitation.objects.bulk_create(
        [
            Invitation(
                meeting=meeting,
                representative=representative,
                on_behalf_of_id=representative.municipality_id,
                response=Invitation.Response.ACCEPTED if index % 3 else Invitation.Response.OPEN,
                responded_at=timezone.now() if index % 3 else None,
            )
            for index, representative in enumerate(invited)
        ]
    )
    return meeting
