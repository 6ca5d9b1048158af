import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from practices.models import Adoption, Practice
from tests.factories import (
    AgendaItemFactory,
    MunicipalityFactory,
    NetworkFactory,
    RepresentativeFactory,
    TopicFactory,
)
from tests.practices.factories import AdoptionFactory, IndexedPracticeFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "other_representative", "representative", "staff", "admin"]


def make_practice(municipality, **kwargs):
    return IndexedPracticeFactory(municipalities=[municipality], **kwargs)


def detail_url(practice):
    return reverse("practices:detail", args=[practice.slug])


@pytest.mark.parametrize(
    ("status", "is_public", "allowed"),
    [
        ("published", True, set(ROLES)),
        ("published", False, {"other_representative", "representative", "staff", "admin"}),
        ("draft", False, {"representative", "staff", "admin"}),
        ("submitted", True, {"representative", "staff", "admin"}),
        ("archived", True, {"representative", "staff", "admin"}),
    ],
)
def test_detail_visibility_by_role_and_status(
    status, is_public, allowed, role_users, client_for, municipality
):
    practice = make_practice(municipality, status=status, is_public=is_public)

    for role, user in role_users.items():
        response = client_for(user).get(detail_url(practice))
        if role == "anonymous" and status == "published" and not is_public:
            # Members-only: a visitor is asked to log in (the example's existence is no secret).
            assert response.status_code == 302, role
            assert response["Location"].startswith(reverse("account_login")), role
            continue
        assert response.status_code == (200 if role in allowed else 404), role


@pytest.mark.parametrize("role", ROLES)
def test_list_shows_only_published_visible_examples(role, role_users, client_for, municipality):
    make_practice(municipality, title="Öffentlich", is_public=True)
    make_practice(municipality, title="Nur Mitglieder", is_public=False)
    make_practice(municipality, title="Entwurf Geheim", status="draft", published_at=None)

    content = client_for(role_users[role]).get(reverse("practices:list")).content.decode()
    cards = content.split('class="card-list practice-cards"')[-1]

    assert "Öffentlich" in cards
    assert ("Nur Mitglieder" in cards) == (role != "anonymous")
    assert "Entwurf Geheim" not in cards


def test_own_draft_appears_in_the_workbench(role_users, client_for, municipality):
    make_practice(municipality, title="Mein Entwurf", status="draft", published_at=None)

    own = client_for(role_users["representative"]).get(reverse("practices:list"))
    other = client_for(role_users["other_representative"]).get(reverse("practices:list"))

    assert "Mein Entwurf" in own.content.decode()
    assert "Mein Entwurf" not in other.content.decode()


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("other_representative", 200),
        ("representative", 200),
        ("staff", 200),
        ("admin", 200),
    ],
)
def test_create_page_by_role(role, expected, role_users, client_for):
    response = client_for(role_users[role]).get(reverse("practices:create"))

    assert response.status_code == expected


def practice_data(**overrides):
    data = {
        "title": "Neubürgerfrühstück",
        "summary": "Ein Frühstück für Neubürger.",
        "keywords": "Frühstück",
        "implementation": "Einmal im Quartal.",
        "is_ongoing": "on",
        "links": "https://www.example.org/fruehstueck Mehr erfahren",
    }
    data.update(overrides)
    return data


def test_representative_creates_draft_for_own_municipality(role_users, client_for, municipality):
    client = client_for(role_users["representative"])

    response = client.post(reverse("practices:create"), practice_data(is_public="on"))

    practice = Practice.objects.get(title="Neubürgerfrühstück")
    assert response.status_code == 302
    assert practice.status == Practice.Status.DRAFT
    assert list(practice.municipalities.all()) == [municipality]
    assert practice.is_public is False  # only staff decide
    assert [(link.url, link.title) for link in practice.links.all()] == [
        ("https://www.example.org/fruehstueck", "Mehr erfahren")
    ]


def test_invalid_input_rerenders_with_message_and_keeps_input(role_users, client_for):
    client = client_for(role_users["representative"])

    response = client.post(
        reverse("practices:create"), practice_data(title="", links="keine-adresse")
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "Ein Frühstück für Neubürger." in content
    assert "keine-adresse" in content
    assert "Zeile 1" in content
    assert 'aria-describedby="id_title_error"' in content
    assert not Practice.objects.exists()


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 404),
        ("other_representative", 404),
        ("representative", 200),
        ("staff", 200),
        ("admin", 200),
    ],
)
def test_edit_draft_by_role(role, expected, role_users, client_for, municipality):
    practice = make_practice(municipality, status="draft", published_at=None)

    response = client_for(role_users[role]).get(reverse("practices:edit", args=[practice.slug]))

    assert response.status_code == expected


def test_representative_cannot_edit_another_municipalitys_published_practice(
    role_users, client_for, municipality
):
    practice = make_practice(municipality, title="Original")
    client = client_for(role_users["other_representative"])

    response = client.post(
        reverse("practices:edit", args=[practice.slug]), practice_data(title="Gekapert")
    )

    practice.refresh_from_db()
    assert response.status_code == 403
    assert practice.title == "Original"


def test_representative_cannot_edit_own_practice_after_submission(
    role_users, client_for, municipality
):
    practice = make_practice(municipality, status="submitted", published_at=None)

    response = client_for(role_users["representative"]).get(
        reverse("practices:edit", args=[practice.slug])
    )

    assert response.status_code == 403


@pytest.mark.parametrize("role", ["anonymous", "other_representative", "representative"])
def test_non_staff_cannot_publish(role, role_users, client_for, municipality):
    practice = make_practice(municipality, status="submitted", published_at=None)

    response = client_for(role_users[role]).post(
        reverse("practices:review", args=[practice.slug]), {"action": "publish"}
    )

    practice.refresh_from_db()
    assert response.status_code in {302, 403}
    assert practice.status == Practice.Status.SUBMITTED
    if role != "anonymous":
        assert response.status_code == 403


def test_submit_then_staff_publish(role_users, client_for, municipality):
    practice = make_practice(municipality, status="draft", published_at=None)
    representative = client_for(role_users["representative"])
    staff = client_for(role_users["staff"])

    representative.post(reverse("practices:submit", args=[practice.slug]))
    practice.refresh_from_db()
    assert practice.status == Practice.Status.SUBMITTED

    staff.post(
        reverse("practices:review", args=[practice.slug]),
        {"action": "publish", "comment": "Danke!", "is_public": "on"},
    )
    practice.refresh_from_db()
    assert practice.status == Practice.Status.PUBLISHED
    assert practice.is_public is True
    assert practice.published_at is not None
    assert [r.new_status for r in practice.reviews.order_by("id")] == ["submitted", "published"]


def test_other_representative_cannot_submit(role_users, client_for, municipality):
    practice = make_practice(municipality, status="draft", published_at=None)

    response = client_for(role_users["other_representative"]).post(
        reverse("practices:submit", args=[practice.slug])
    )

    practice.refresh_from_db()
    assert response.status_code == 404
    assert practice.status == Practice.Status.DRAFT


def test_request_changes_needs_a_comment(role_users, client_for, municipality):
    practice = make_practice(municipality, status="submitted", published_at=None)
    staff = client_for(role_users["staff"])

    response = staff.post(
        reverse("practices:review", args=[practice.slug]),
        {"action": "request_changes", "comment": "   ", "is_public": "on"},
    )
    practice.refresh_from_db()
    assert practice.status == Practice.Status.SUBMITTED
    # The decision comes back with the error at the comment field and nothing lost.
    assert response.status_code == 400
    form = response.context["review_form"]
    assert form.errors["comment"] == ["Bitte geben Sie an, was geändert werden soll."]
    assert form["action"].value() == "request_changes"
    assert form["is_public"].value() is True
    assert re.search(r'value="request_changes"[^>]*checked', response.content.decode())

    staff.post(
        reverse("practices:review", args=[practice.slug]),
        {"action": "request_changes", "comment": "Bitte Kosten ergänzen."},
    )
    practice.refresh_from_db()
    assert practice.status == Practice.Status.DRAFT
    assert practice.reviews.get().comment == "Bitte Kosten ergänzen."


def test_the_open_review_comment_stands_at_the_top_of_the_draft(
    role_users, client_for, municipality
):
    practice = make_practice(municipality, status="submitted", published_at=None)
    client_for(role_users["staff"]).post(
        reverse("practices:review", args=[practice.slug]),
        {"action": "request_changes", "comment": "Bitte Kosten ergänzen."},
    )
    author = client_for(role_users["representative"])

    pages = {
        # What the notice must come before: the example's text, or the edit form.
        detail_url(practice): 'class="lead"',
        reverse("practices:edit", args=[practice.slug]): 'class="practice-form"',
    }
    for url, below in pages.items():
        page = author.get(url).content.decode()
        notice = page.index('class="message message-warning open-review"')
        notice_end = page.index("</section>", notice)
        assert "Die Agentur bittet um Änderungen" in page[notice:notice_end]
        assert "Bitte Kosten ergänzen." in page[notice:notice_end]
        assert notice < page.index(below)

    author.post(reverse("practices:submit", args=[practice.slug]))
    assert "open-review" not in author.get(detail_url(practice)).content.decode()


def test_user_text_is_sanitised_on_the_page(role_users, client_for, municipality):
    practice = make_practice(
        municipality,
        implementation="**Fett** <script>alert('x')</script><img src=x onerror=alert(1)>",
        summary="<script>alert('summary')</script>",
    )

    content = client_for(role_users["representative"]).get(detail_url(practice)).content.decode()

    assert "<strong>Fett</strong>" in content
    assert "<script>alert" not in content
    assert "onerror" not in content


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 404),
        ("other_representative", 302),
        ("representative", 403),
        ("staff", 403),
        ("admin", 403),
    ],
)
def test_adoption_by_role(role, expected, role_users, client_for, municipality):
    practice = make_practice(municipality)

    response = client_for(role_users[role]).post(
        reverse("practices:adopt", args=[practice.slug]), {"note": "Läuft gut."}
    )

    assert response.status_code == expected
    assert Adoption.objects.exists() == (role == "other_representative")


def test_adoption_is_shown_and_recorded_once(role_users, client_for, municipality):
    practice = make_practice(municipality)
    client = client_for(role_users["other_representative"])

    client.post(reverse("practices:adopt", args=[practice.slug]), {"note": "Läuft gut."})
    client.post(reverse("practices:adopt", args=[practice.slug]), {"note": "Nochmal."})

    content = client.get(detail_url(practice)).content.decode()
    assert Adoption.objects.count() == 1
    assert "Olpe" in content and "Läuft gut." in content


def test_contact_respects_visibility_choices(role_users, client_for, municipality):
    contact = RepresentativeFactory(
        municipality=municipality,
        email="kontakt@example.org",
        phone="+49 2392 111",
        show_email=False,
        show_phone=True,
    )
    practice = make_practice(municipality, contact=contact, is_public=True)

    member = client_for(role_users["other_representative"]).get(detail_url(practice))
    anonymous = client_for(None).get(detail_url(practice))

    assert "kontakt@example.org" not in member.content.decode()
    assert "+49 2392 111" in member.content.decode()
    assert contact.last_name not in anonymous.content.decode()


def test_filters_combine_and_show_counts(role_users, client_for):
    district = MunicipalityFactory().district
    town = MunicipalityFactory(name="Kleinstadt", slug="kleinstadt", population=8000)
    city = MunicipalityFactory(
        name="Großstadt", slug="grossstadt", population=80000, district=district
    )
    topic = TopicFactory(name="Wohnen", slug="wohnen")
    network = NetworkFactory(name="Smart Cities", slug="smart-cities")
    a = IndexedPracticeFactory(title="A", municipalities=[town], topics=[topic], network=network)
    IndexedPracticeFactory(title="B", municipalities=[city], topics=[topic])
    IndexedPracticeFactory(title="C", municipalities=[city])
    # Presented twice: still one example presented.
    AgendaItemFactory(practice=a)
    AgendaItemFactory(practice=a)
    client = client_for(role_users["representative"])

    def result(**params):
        response = client.get(reverse("practices:list"), params)
        return response.context["result"]

    both = result(thema="wohnen", einwohner="ab-50000")
    assert [p.title for p in both.queryset] == ["B"]
    # A filter that is set offers its other values, counted as if it were not set ...
    both_facets = {facet.name: facet for facet in both.facets}
    assert {o.value: o.count for o in both_facets["einwohner"].options} == {
        "bis-10000": 1,
        "ab-50000": 1,
    }
    assert [o.value for o in both_facets["einwohner"].options if o.selected] == ["ab-50000"]
    assert {o.value: o.count for o in both_facets["thema"].options} == {"wohnen": 1}
    # ... while the filters not set count within the result.
    assert {o.value: o.count for o in both_facets["kommune"].options} == {"grossstadt": 1}
    town_only = {facet.name: facet for facet in result(kommune="kleinstadt").facets}
    assert {o.value: o.count for o in town_only["kommune"].options} == {
        "kleinstadt": 1,
        "grossstadt": 2,
    }
    assert {o.value: o.count for o in town_only["thema"].options} == {"wohnen": 1}
    topic_only = result(thema="wohnen")
    assert sorted(p.title for p in topic_only.queryset) == ["A", "B"]
    facets = {facet.name: facet for facet in topic_only.facets}
    assert {o.value: o.count for o in facets["kommune"].options} == {
        "kleinstadt": 1,
        "grossstadt": 1,
    }
    assert {o.value: o.count for o in facets["einwohner"].options} == {
        "bis-10000": 1,
        "ab-50000": 1,
    }
    assert {o.value: o.count for o in facets["vorgestellt"].options} == {"ja": 1, "nein": 1}
    assert {o.value: o.count for o in facets["netzwerk"].options} == {"smart-cities": 1}
    assert [p.title for p in result(vorgestellt="ja").queryset] == ["A"]
    assert [p.title for p in result(netzwerk="smart-cities", kommune="grossstadt").queryset] == []
    all_facets = {facet.name: facet for facet in result().facets}
    assert {o.value: o.count for o in all_facets["thema"].options} == {"wohnen": 2}
    assert {o.value: o.count for o in all_facets["kreis"].options}[district.ags_prefix] == 2


def test_sort_by_most_adopted(role_users, client_for):
    few = IndexedPracticeFactory(title="Wenig")
    many = IndexedPracticeFactory(title="Viel")
    AdoptionFactory(practice=many)
    AdoptionFactory(practice=many)
    AdoptionFactory(practice=few)

    response = client_for(role_users["representative"]).get(
        reverse("practices:list"), {"sortierung": "meist-uebernommen"}
    )

    assert [p.title for p in response.context["page"].object_list] == ["Viel", "Wenig"]


def test_list_paginates_and_keeps_filters_in_links(role_users, client_for):
    topic = TopicFactory(name="Tourismus", slug="tourismus")
    for number in range(14):
        IndexedPracticeFactory(title=f"Beispiel {number}", topics=[topic])

    response = client_for(role_users["representative"]).get(
        reverse("practices:list"), {"thema": "tourismus"}
    )

    assert len(response.context["page"].object_list) == 12
    assert "thema=tourismus&amp;seite=2" in response.content.decode()


def test_feed_lists_only_public_published(client_for, municipality):
    make_practice(municipality, title="Öffentliches Beispiel", is_public=True)
    make_practice(municipality, title="Internes Beispiel", is_public=False)
    make_practice(municipality, title="Entwurf", status="draft", is_public=True)

    response = client_for(None).get(reverse("practices:feed"))

    content = response.content.decode()
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "Öffentliches Beispiel" in content
    assert "Internes Beispiel" not in content
    assert "Entwurf" not in content


def test_csv_export_follows_the_search_and_defuses_formulas(role_users, client_for, municipality):
    make_practice(municipality, title="=HYPERLINK(1)", summary="Wohnen am Fluss")
    make_practice(municipality, title="Anderes", summary="Tourismus")

    response = client_for(role_users["representative"]).get(
        reverse("practices:export"), {"q": "Fluss"}
    )

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert response["Content-Type"].startswith("text/csv")
    assert len(rows) == 2
    assert rows[1][0] == "'=HYPERLINK(1)"


def test_csv_export_hides_members_only_examples_from_visitors(client_for, municipality):
    make_practice(municipality, title="Intern", is_public=False)

    response = client_for(None).get(reverse("practices:export"))

    assert "Intern" not in response.content.decode("utf-8-sig")


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("other_representative", 403),
        ("representative", 403),
        ("staff", 302),
        ("admin", 302),
    ],
)
def test_create_from_agenda_item_by_role(role, expected, role_users, client_for, municipality):
    item = AgendaItemFactory(
        title="Werdohl stellt die Willkommenstasche vor", presenting_municipality=municipality
    )

    response = client_for(role_users[role]).post(
        reverse("practices:create_from_agenda_item", args=[item.pk])
    )

    item.refresh_from_db()
    assert response.status_code == expected
    assert (item.practice_id is not None) == (role in {"staff", "admin"})


def test_detail_links_the_meeting_it_was_presented_at(role_users, client_for, municipality):
    practice = make_practice(municipality)
    AgendaItemFactory(practice=practice, meeting__title="Fünfzehntes Treffen")

    member = client_for(role_users["other_representative"]).get(detail_url(practice))

    assert "Fünfzehntes Treffen" in member.content.decode()


def test_detail_shows_similar_examples(role_users, client_for, municipality):
    topic = TopicFactory(name="Familie", slug="familie")
    practice = make_practice(municipality, topics=[topic])
    IndexedPracticeFactory(title="Familienpass", topics=[topic])
    IndexedPracticeFactory(title="Ohne Bezug")

    content = client_for(role_users["representative"]).get(detail_url(practice)).content.decode()

    assert "Familienpass" in content
    assert "Ohne Bezug" not in content


def test_too_long_adoption_note_is_shown_again_with_a_message(role_users, client_for, municipality):
    practice = make_practice(municipality)
    note = "Sehr lang. " * 200

    response = client_for(role_users["other_representative"]).post(
        reverse("practices:adopt", args=[practice.slug]), {"note": note}
    )

    content = response.content.decode()
    assert response.status_code == 400
    assert "Sehr lang. Sehr lang." in content
    assert 'aria-describedby="id_note_helptext id_note_error"' in content
    assert not Adoption.objects.exists()


def test_filter_values_are_in_german_alphabetical_order_with_umlauts_under_their_vowel(
    role_users, client_for
):
    names = ["Zell", "Ölbach", "Olsberg", "Arnsberg"]
    for name in names:
        make_practice(MunicipalityFactory(name=name), title=f"Beispiel {name}")

    response = client_for(role_users["representative"]).get(reverse("practices:list"))

    facets = {facet.name: facet for facet in response.context["result"].facets}
    labels = [option.label for option in facets["kommune"].options]
    assert [label for label in labels if label in names] == [
        "Arnsberg",
        "Ölbach",
        "Olsberg",
        "Zell",
    ]


def test_every_filter_is_counted_in_one_statement(role_users, client_for, municipality):
    make_practice(municipality, title="Dorfladen", topics=[TopicFactory()])
    client = client_for(role_users["representative"])
    client.get(reverse("practices:list"))

    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("practices:list"), {"q": "Dorfladen"})

    facet_statements = [q["sql"] for q in queries.captured_queries if "UNION ALL" in q["sql"]]
    assert len(facet_statements) == 1
    for name in ["thema", "kreis", "kommune", "netzwerk", "einwohner", "beginn", "vorgestellt"]:
        assert f"'{name}'" in facet_statements[0]
