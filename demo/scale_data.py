"""Reproducible scale data for benchmarks: the real region plus synthetic Germany-sized data.

From one seed the same rows come out every time: about 11,000 municipalities (the real 59
among them), 30,000 representatives, 2,000 meetings with 10 agenda items and 40 invitations
each, and 100,000 good-practice examples with German text.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.utils import timezone

from meetings.models import AgendaItem, Invitation, Meeting, Series
from members.models import District, Municipality, Representative
from members.services import region_load
from practices.models import Practice, Topic
from practices.search import search_index_rebuild

BERLIN = ZoneInfo("Europe/Berlin")
BATCH = 5000

PREFIXES = ["", "", "", "Bad ", "Neu", "Alt", "Ober", "Nieder", "Groß", "Klein", "Sankt "]
STEMS = [
    "Lind",
    "Eich",
    "Buch",
    "Birk",
    "Ross",
    "Wald",
    "Berg",
    "Stein",
    "Brunn",
    "Hohen",
    "Mühl",
    "Kirch",
    "Wester",
    "Oster",
    "Sonnen",
    "Hasel",
    "Erlen",
    "Tann",
    "Hagen",
    "Wolfs",
    "Hirsch",
]
SUFFIXES = ["bach", "feld", "hausen", "dorf", "berg", "heim", "stadt", "au", "burg", "rode", "tal"]

# German building blocks for practice texts: common words occur in many examples,
# a few rare ones in very few (the benchmark searches for one of each kind).
SUBJECTS = [
    "Neubürgerinnen und Neubürger",
    "Fachkräfte",
    "Familien",
    "Auszubildende",
    "Studierende",
    "Rückkehrerinnen und Rückkehrer",
    "Pflegekräfte",
    "Ärztinnen und Ärzte",
    "Touristen",
    "Unternehmen",
    "Vereine",
    "Seniorinnen und Senioren",
    "Jugendliche",
]
MEASURES = [
    "ein Begrüßungspaket",
    "eine Willkommensveranstaltung",
    "ein Patenschaftsprogramm",
    "eine digitale Plattform",
    "einen Stammtisch",
    "eine Wohnungsbörse",
    "ein Stipendium",
    "eine Imagekampagne",
    "einen Lotsendienst",
    "eine Probewohnen-Aktion",
    "ein Mentoring",
    "eine Jobmesse",
    "einen Rundgang durch die Innenstadt",
    "eine App für Zugezogene",
]
GOALS = [
    "die Bindung an die Region zu stärken",
    "Fachkräfte zu gewinnen",
    "den Leerstand zu senken",
    "das Ehrenamt zu beleben",
    "die Innenstadt zu stärken",
    "die ärztliche Versorgung zu sichern",
    "Familien den Zuzug zu erleichtern",
    "Touristen als Neubürger zu gewinnen",
]
PARTNERS = [
    "der Einzelhandel",
    "die Wirtschaftsförderung",
    "das Bürgerbüro",
    "die Volkshochschule",
    "die Kreisverwaltung",
    "örtliche Vereine",
    "das Krankenhaus",
    "die Sparkasse",
]
RARE_WORDS = ["Streuobstwiesenpatenschaft", "Glasfaserlotsenprogramm", "Dorfladenkooperative"]


@dataclass(frozen=True)
class ScaleSize:
    municipalities: int = 11_000
    representatives: int = 30_000
    meetings: int = 2_000
    agenda_items_per_meeting: int = 10
    invitations_per_meeting: int = 40
    practices: int = 100_000


def _municipality_name(rng, used):
    while True:
        name = rng.choice(PREFIXES) + rng.choice(STEMS) + rng.choice(SUFFIXES)
        if name not in used:
            used.add(name)
            return name
        name = f"{name} {rng.randint(2, 99)}"
        if name not in used:
            used.add(name)
            return name


def _sentence_text(rng, place):
    subject, measure, goal = rng.choice(SUBJECTS), rng.choice(MEASURES), rng.choice(GOALS)
    partner = rng.choice(PARTNERS)
    return (
        f"{place} bietet {subject} {measure}, um {goal}. "
        f"Gemeinsam mit {partner} wurde das Angebot Schritt für Schritt ausgebaut."
    )


def scale_data_present(size: ScaleSize) -> bool:
    return (
        Practice.objects.count() >= size.practices
        and Municipality.objects.count() >= size.municipalities
    )


@transaction.atomic
def scale_data_generate(*, seed: int = 2026, size: ScaleSize = ScaleSize()) -> dict:
    # Reproducible benchmark data from a seed, not secrets: a seeded generator is the point.
    rng = random.Random(seed)  # nosec B311
    region_load()
    topics = list(Topic.objects.all())

    districts = list(District.objects.all())
    new_districts = [
        District(ags_prefix=f"{20000 + index:05d}", name=f"Landkreis {index + 1}", seat="")
        for index in range(max(0, 400 - len(districts)))
    ]
    districts += District.objects.bulk_create(new_districts, batch_size=BATCH)

    used_names = set(Municipality.objects.values_list("name", flat=True))
    missing = size.municipalities - Municipality.objects.count()
    synthetic = []
    for index in range(max(0, missing)):
        name = _municipality_name(rng, used_names)
        synthetic.append(
            Municipality(
                ags=f"{20000000 + index:08d}",
                name=name,
                slug=f"kommune-{20000000 + index}",
                kind=rng.choice([Municipality.Kind.CITY, Municipality.Kind.MUNICIPALITY]),
                district=rng.choice(districts[5:] or districts),
                population=int(rng.lognormvariate(8.8, 1.0)),
                population_date=date(2019, 12, 31),
            )
        )
    Municipality.objects.bulk_create(synthetic, batch_size=BATCH)
    municipalities = list(Municipality.objects.order_by("pk"))

    representatives = []
    functions = [value for value, _label in Representative.Function.choices]
    for index in range(size.representatives):
        municipality = municipalities[index % len(municipalities)]
        representatives.append(
            Representative(
                municipality=municipality,
                first_name=rng.choice(["Anna", "Ben", "Clara", "Jonas", "Lea", "Paul", "Mia"]),
                last_name=f"Beispiel{index}",
                function=rng.choice(functions),
                email=f"vertretung{index}@example.org",
                is_main_contact=index < len(municipalities),
                starts_on=date(2020, 1, 1),
                show_email=rng.random() < 0.7,
            )
        )
    Representative.objects.bulk_create(representatives, batch_size=BATCH)
    representative_ids = list(
        Representative.objects.order_by("pk").values_list("pk", "municipality_id")
    )

    series = Series.objects.get_or_create(
        slug="runder-tisch-willkommen-in-suedwestfalen",
        defaults={"name": "Runder Tisch – Willkommen in Südwestfalen"},
    )[0]
    first_start = datetime(2020, 1, 15, 10, 0, tzinfo=BERLIN)
    meetings = []
    for index in range(size.meetings):
        starts_at = first_start + timedelta(days=3 * index)
        meetings.append(
            Meeting(
                series=series if index < 1000 else None,
                number=index + 100 if index < 1000 else None,
                title=f"Treffen {index + 1}: {rng.choice(GOALS).capitalize()}",
                host=rng.choice(municipalities),
                format=rng.choice([value for value, _label in Meeting.Format.choices]),
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=2),
                online_url="https://konferenz.example.org/raum",
                status=Meeting.Status.SCHEDULED,
            )
        )
    meetings = Meeting.objects.bulk_create(meetings, batch_size=BATCH)

    agenda_items, invitations = [], []
    responses = [value for value, _label in Invitation.Response.choices]
    for meeting in meetings:
        for position in range(size.agenda_items_per_meeting):
            agenda_items.append(
                AgendaItem(
                    meeting=meeting,
                    position=position,
                    title=f"TOP {position + 1}: {rng.choice(MEASURES)}",
                    duration_minutes=rng.choice([10, 15, 20, 30]),
                )
            )
        for representative_id, municipality_id in rng.sample(
            representative_ids, size.invitations_per_meeting
        ):
            response = rng.choice(responses)
            invitations.append(
                Invitation(
                    meeting=meeting,
                    representative_id=representative_id,
                    on_behalf_of_id=municipality_id,
                    response=response,
                    responded_at=None
                    if response == "open"
                    else meeting.starts_at - timedelta(days=3),
                    attended=(response == "accepted") if meeting.has_started else None,
                )
            )
    AgendaItem.objects.bulk_create(agenda_items, batch_size=BATCH)
    Invitation.objects.bulk_create(invitations, batch_size=BATCH)

    practice_rows, links = [], []
    published = timezone.now() - timedelta(days=365 * 5)
    for index in range(size.practices):
        municipality = municipalities[rng.randrange(len(municipalities))]
        text = " ".join(_sentence_text(rng, municipality.name) for _ in range(3))
        if index % 20_000 == 7:
            text += f" Besonders ist die {RARE_WORDS[index % len(RARE_WORDS)]}."
        measure = rng.choice(MEASURES).split(" ", 1)[1]
        practice_rows.append(
            Practice(
                title=f"{measure[0].upper()}{measure[1:]} für {rng.choice(SUBJECTS)}",
                slug=f"praxis-{index}",
                summary=_sentence_text(rng, municipality.name),
                starting_situation=text,
                goals=rng.choice(GOALS).capitalize() + ".",
                implementation=text,
                status=Practice.Status.PUBLISHED,
                is_public=index % 2 == 0,
                published_at=published + timedelta(minutes=index * 20),
            )
        )
        links.append((municipality.pk, rng.sample(topics, rng.randint(1, 3))))
    practices = Practice.objects.bulk_create(practice_rows, batch_size=BATCH)
    municipality_links = Practice.municipalities.through
    topic_links = Practice.topics.through
    municipality_links.objects.bulk_create(
        [
            municipality_links(practice_id=practice.pk, municipality_id=municipality_id)
            for practice, (municipality_id, _topics) in zip(practices, links, strict=True)
        ],
        batch_size=BATCH,
    )
    topic_links.objects.bulk_create(
        [
            topic_links(practice_id=practice.pk, topic_id=topic.pk)
            for practice, (_municipality_id, chosen) in zip(practices, links, strict=True)
            for topic in chosen
        ],
        batch_size=BATCH,
    )
    _after_bulk_load()
    return {
        "municipalities": Municipality.objects.count(),
        "representatives": Representative.objects.count(),
        "meetings": Meeting.objects.count(),
        "agenda_items": AgendaItem.objects.count(),
        "invitations": Invitation.objects.count(),
        "practices": Practice.objects.count(),
    }


def _after_bulk_load():
    """Bulk inserts skip the per-row search index update; rebuild it and refresh statistics."""
    search_index_rebuild()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
