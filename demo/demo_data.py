"""Demo data for `make run`: the real region and the round table's story, fictional people.

The round table's own story is told as it happened: the region's municipalities, the
series with its earlier meetings up to the 15th, online and hosted by Werdohl, with the
"Willkommenstasche" and the agency's reports on its two projects. Around it, fictional but
plausible content (demo/demo_content.py, marked as demo) fills every page: several
representatives per municipality, held meetings with published minutes and action items,
examples across topics and districts, adoptions and examples still under review. Real
people are never named.

Everything is keyed on stable values (e-mail addresses, slugs, AGS, series number), so
loading twice changes nothing.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from demo.demo_content import ADOPTIONS, DEMO_MARK, EARLIER_MEETINGS, PRACTICES
from meetings.models import ActionItem, AgendaItem, Invitation, Meeting, Minutes, Series
from members.models import District, Municipality, Network, NetworkMembership, Representative, User
from members.permissions import STAFF_GROUP_NAME
from members.services import region_load, staff_group_sync
from practices.models import PORTAL_TOPIC_LABELS, Adoption, Practice, PracticeReview, Topic
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

    _member_representatives(exclude=[werdohl, olpe])
    perspektive, smart = _networks()
    _demo_practices()
    practice = _practice(werdohl, werdohl_rep)
    series = _series()
    _earlier_meetings(series, agency, staff_user, perspektive, smart)
    _meeting(series, agency, werdohl, werdohl_rep, staff_user, practice, perspektive, smart)
    _practices_under_review(staff_user)
    _adoptions()
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


def _meeting(series, agency, werdohl, werdohl_rep, staff_user, practice, perspektive, smart):
    starts_at = FIFTEENTH_STARTS_AT
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
            # The round table's meetings are on the public record (OParl); the online link
            # and the invitations stay private.
            "is_public": True,
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
    _agenda_create(meeting, items)
    invited = _main_contacts()[:40]
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


FIFTEENTH_STARTS_AT = datetime(2026, 12, 10, 10, 0, tzinfo=BERLIN)
FUNCTIONS = [
    Representative.Function.CITY_MARKETING,
    Representative.Function.ECONOMIC_DEVELOPMENT,
    Representative.Function.MUNICIPAL_ADMINISTRATION,
]


def _fictional_name(index):
    return FIRST_NAMES[index % len(FIRST_NAMES)], LAST_NAMES[index % len(LAST_NAMES)]


def _member_representatives(*, exclude):
    """Every municipality gets a main contact and a substitute, every third a third person;
    each district administration one person. None of them has an account."""
    excluded = {municipality.pk for municipality in exclude}
    municipalities = Municipality.objects.filter(ags__isnull=False).order_by("ags")
    for index, municipality in enumerate(municipalities):
        people = [("", True), ("vertretung.", False)]
        if index % 3 == 0:
            people.append(("team.", False))
        if municipality.pk in excluded:
            people = people[1:]  # the demo login is their main contact
        for offset, (prefix, main) in enumerate(people):
            first, last = _fictional_name(index + 7 * offset)
            _representative(
                municipality,
                email=f"{prefix}{municipality.slug}@example.org",
                first_name=first,
                last_name=last,
                function=FUNCTIONS[(index + offset) % len(FUNCTIONS)],
                main=main,
            )
    administrations = Municipality.objects.filter(
        kind=Municipality.Kind.DISTRICT_ADMINISTRATION
    ).order_by("slug")
    for index, administration in enumerate(administrations):
        first, last = _fictional_name(index + 3)
        _representative(
            administration,
            email=f"{administration.slug}@example.org",
            first_name=first,
            last_name=last,
            function=Representative.Function.DISTRICT_ADMINISTRATION,
            main=True,
        )


def _agenda_create(meeting, items):
    """items: (title, presenting municipality, minutes, practice, presenter) in order."""
    for position, (title, municipality, minutes, practice, presenter) in enumerate(items):
        item = AgendaItem.objects.create(
            meeting=meeting,
            position=position,
            title=title,
            presenting_municipality=municipality,
            duration_minutes=minutes,
            practice=practice,
        )
        if presenter:
            item.presenters.add(presenter)


def _main_contacts():
    return Representative.objects.filter(
        municipality__ags__isnull=False, is_main_contact=True
    ).order_by("municipality__ags")


def _series():
    series, _ = Series.objects.get_or_create(
        slug="runder-tisch-willkommen-in-suedwestfalen",
        defaults={"name": SERIES_NAME},
    )
    return series


def _earlier_meetings(series, agency, staff_user, perspektive, smart):
    """Meetings 1 to 14, about one a quarter, each held, with minutes and an agreement."""
    staff_rep = agency.representatives.first()
    hosts = {municipality.name: municipality for municipality in Municipality.objects.all()}
    main_contacts = list(_main_contacts())
    for demo in EARLIER_MEETINGS:
        host = hosts[demo.host]
        day = (FIFTEENTH_STARTS_AT - timedelta(weeks=13 * (15 - demo.number))).date()
        starts_at = datetime(day.year, day.month, day.day, 10, 0, tzinfo=BERLIN)
        meeting, created = Meeting.objects.get_or_create(
            series=series,
            number=demo.number,
            defaults={
                "title": demo.title,
                "description": f"{demo.number}. Treffen des Runden Tisches in {host.name}.",
                "host": host,
                "format": Meeting.Format.ONLINE if demo.online else Meeting.Format.IN_PERSON,
                "starts_at": starts_at,
                "ends_at": starts_at + timedelta(hours=2),
                "online_url": (
                    f"https://konferenz.example.org/runder-tisch-{demo.number}"
                    if demo.online
                    else ""
                ),
                "venue": "" if demo.online else f"Rathaus {host.name}",
                # Sent out; held follows from the past start time.
                "status": Meeting.Status.SCHEDULED,
                "is_public": True,
                "organiser": staff_user,
            },
        )
        if not created:
            continue
        report = perspektive if demo.number % 2 else smart
        items = [
            ("Begrüßung und Rückblick", agency, 15, None, staff_rep),
            (*demo.topics, host, 40, None, None),
            (f"Bericht der Agentur: „{report.name}“", agency, 30, None, staff_rep),
            ("Austausch und Verschiedenes", None, 25, None, None),
        ]
        _agenda_create(meeting, items)
        invitations = []
        for index, representative in enumerate(main_contacts):
            accepted = (index + demo.number) % 4 != 0
            invitations.append(
                Invitation(
                    meeting=meeting,
                    representative=representative,
                    on_behalf_of_id=representative.municipality_id,
                    response=(
                        Invitation.Response.ACCEPTED if accepted else Invitation.Response.DECLINED
                    ),
                    responded_at=starts_at - timedelta(days=5),
                    attended=accepted and (index + demo.number) % 5 != 0,
                )
            )
        Invitation.objects.bulk_create(invitations)
        Minutes.objects.create(
            meeting=meeting,
            status=Minutes.Status.PUBLISHED,
            last_editor=staff_user,
            edited_at=starts_at + timedelta(days=6),
            published_at=starts_at + timedelta(days=7),
            text=(
                f"# {demo.title}\n\n"
                f"Demo-Protokoll des {demo.number}. Treffens in {host.name}.\n\n"
                f"## {demo.topics[0]}\n\n"
                f"{host.name} stellte das Vorhaben vor; die Teilnehmenden tauschten "
                "Erfahrungen aus und verabredeten, in Kontakt zu bleiben.\n\n"
                f"## Bericht der Agentur\n\n"
                f"Die Südwestfalen Agentur berichtete über „{report.name}“.\n\n"
                "## Vereinbarungen\n\n"
                f"- {demo.action}\n"
            ),
        )
        # The last two meetings' agreements are still open; the next meeting shows them.
        still_open = demo.number >= 13
        ActionItem.objects.create(
            meeting=meeting,
            what=demo.action,
            owner_municipality=host,
            due_on=(FIFTEENTH_STARTS_AT + timedelta(days=30 * (demo.number - 13))).date()
            if still_open
            else day + timedelta(days=60),
            status=ActionItem.Status.OPEN if still_open else ActionItem.Status.DONE,
            closed_at=None if still_open else starts_at + timedelta(days=30),
        )
        if demo.number % 4 == 0:
            ActionItem.objects.create(
                meeting=meeting,
                what="Gemeinsamen Messestand prüfen",
                owner_municipality=agency,
                due_on=day + timedelta(days=90),
                status=ActionItem.Status.DROPPED,
                closed_at=starts_at + timedelta(days=30),
            )


def _demo_practices():
    """The fictional examples of demo_content, published, every other one also public."""
    municipalities = {
        municipality.name: municipality for municipality in Municipality.objects.all()
    }
    # The portal's topics come with a data migration; made here too for a flushed database.
    topics = {
        slug: Topic.objects.get_or_create(slug=slug, defaults={"name": german})[0]
        for slug, (german, _label) in PORTAL_TOPIC_LABELS.items()
    }
    created_ids = []
    for index, demo in enumerate(PRACTICES):
        municipality = municipalities[demo.municipality]
        published_at = datetime(2025, 1, 15, 9, 0, tzinfo=BERLIN) + timedelta(days=17 * index)
        practice, created = Practice.objects.get_or_create(
            slug=demo.slug,
            defaults={
                "title": demo.title,
                "summary": f"{demo.summary} {DEMO_MARK}",
                "keywords": "Demo",
                "implementation": demo.implementation,
                "started_on": date(demo.started, 3, 1),
                "status": Practice.Status.PUBLISHED,
                "is_public": index % 2 == 0,
                "contact": municipality.representatives.filter(is_main_contact=True).first(),
                "published_at": published_at,
            },
        )
        if created:
            practice.municipalities.add(municipality)
            practice.topics.add(*(topics[slug] for slug in demo.topics))
            created_ids.append(practice.pk)
    if created_ids:
        practice_search_index_update(practice_ids=created_ids)


def _practices_under_review(staff_user):
    """One example waiting for the agency's review, one sent back with a comment."""
    werdohl_login, olpe_login = DEMO_LOGINS[2], DEMO_LOGINS[3]
    olpe_user = User.objects.get(email=olpe_login.email)
    werdohl_user = User.objects.get(email=werdohl_login.email)
    for slug, title, user, status, comment in [
        (
            "neubuerger-stammtisch-olpe",
            "Neubürger-Stammtisch",
            olpe_user,
            Practice.Status.SUBMITTED,
            "",
        ),
        (
            "kulturpass-werdohl",
            "Kulturpass für Neubürgerinnen und Neubürger",
            werdohl_user,
            Practice.Status.DRAFT,
            "Bitte ergänzen Sie, welche Kosten entstanden sind und wer die Partner waren.",
        ),
    ]:
        representative = user.representatives.get()
        practice, created = Practice.objects.get_or_create(
            slug=slug,
            defaults={
                "title": title,
                "summary": f"Ein Angebot für neu Zugezogene, das gerade geprüft wird. {DEMO_MARK}",
                "keywords": "Demo",
                "implementation": "Monatliches Treffen in wechselnden Gaststätten.",
                "status": status,
                "contact": representative,
                "created_by": user,
            },
        )
        if not created:
            continue
        practice.municipalities.add(representative.municipality)
        practice.topics.add(Topic.objects.get(slug="willkommenskultur"))
        PracticeReview.objects.create(
            practice=practice,
            old_status=Practice.Status.DRAFT,
            new_status=Practice.Status.SUBMITTED,
            created_by=user,
        )
        if status == Practice.Status.DRAFT:
            PracticeReview.objects.create(
                practice=practice,
                old_status=Practice.Status.SUBMITTED,
                new_status=Practice.Status.DRAFT,
                comment=comment,
                created_by=staff_user,
            )


def _adoptions():
    for slug, municipality_name, note in ADOPTIONS:
        Adoption.objects.get_or_create(
            practice=Practice.objects.get(slug=slug),
            municipality=Municipality.objects.get(name=municipality_name),
            defaults={"note": note},
        )
