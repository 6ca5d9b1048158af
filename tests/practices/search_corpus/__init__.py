"""A fixed corpus of good-practice examples and a judged query set over it.

`corpus.json` holds 60 examples as representatives write them; `queries.json` holds what a
representative would type, each with the examples that should come first. The test in
tests/practices/test_search_quality.py and `make bench` load the corpus and measure recall@10
(the share of the judged examples among the first ten results) and the mean reciprocal rank
(1 / position of the first judged example, 0 when none is in the first ten).
"""

import json
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from members.models import District, Municipality
from practices.models import Practice, Topic
from practices.selectors import practice_search
from practices.services import practice_search_index_update

HERE = Path(__file__).resolve().parent
SLUG_PREFIX = "korpus-"
CUTOFF = 10
# The topics of the corpus, as the migrations create them.
TOPIC_NAMES = {
    "willkommenskultur": "Willkommenskultur",
    "neubuerger-gewinnung": "Neubürger-Gewinnung",
    "fachkraefte": "Fachkräfte",
    "medizin-pflege": "Medizin & Pflege",
    "tourismus": "Tourismus",
    "smart-city": "Smart City",
    "stadtmarketing": "Stadtmarketing",
    "wohnen": "Wohnen",
    "familie": "Familie",
}


def corpus_data() -> dict:
    return json.loads((HERE / "corpus.json").read_text(encoding="utf-8"))


def judged_queries() -> list[dict]:
    return json.loads((HERE / "queries.json").read_text(encoding="utf-8"))


def corpus_load() -> dict[str, int]:
    """Create the corpus's districts, municipalities and published, public examples;
    returns the practice id per slug. The search index is kept by the services' function."""
    data = corpus_data()
    districts = {}
    for row in data["districts"]:
        districts[row["ags_prefix"]], _created = District.objects.get_or_create(
            ags_prefix=row["ags_prefix"], defaults={"name": row["name"], "seat": row["name"]}
        )
    municipalities = {}
    for index, row in enumerate(data["municipalities"]):
        municipalities[row["slug"]], _created = Municipality.objects.get_or_create(
            slug=row["slug"],
            defaults={
                "name": row["name"],
                "ags": f"{95000000 + index:08d}",
                "district": districts[row["district"]],
                "population": row["population"],
            },
        )
    topics = {
        slug: Topic.objects.get_or_create(slug=slug, defaults={"name": name})[0]
        for slug, name in TOPIC_NAMES.items()
    }
    now = timezone.now()
    ids = {}
    for index, row in enumerate(data["practices"]):
        practice, _created = Practice.objects.update_or_create(
            slug=row["slug"],
            defaults={
                "title": row["title"],
                "summary": row["summary"],
                "keywords": row["keywords"],
                "implementation": row["implementation"],
                "status": Practice.Status.PUBLISHED,
                "is_public": True,
                # A fixed order of publication, so that ties are broken the same way each run.
                "published_at": now - timedelta(days=index),
            },
        )
        practice.municipalities.set([municipalities[row["municipality"]]])
        practice.topics.set([topics[slug] for slug in row["topics"]])
        ids[row["slug"]] = practice.pk
    practice_search_index_update(practice_ids=list(ids.values()))
    return ids


@dataclass
class QueryOutcome:
    query: str
    relevant: list[str]
    found: list[str]

    @property
    def recall(self) -> float:
        return len(set(self.relevant) & set(self.found[:CUTOFF])) / len(self.relevant)

    @property
    def reciprocal_rank(self) -> float:
        for position, slug in enumerate(self.found[:CUTOFF], start=1):
            if slug in self.relevant:
                return 1 / position
        return 0.0


@dataclass
class Quality:
    outcomes: list[QueryOutcome]

    @property
    def recall_at_10(self) -> float:
        return sum(o.recall for o in self.outcomes) / len(self.outcomes)

    @property
    def mrr(self) -> float:
        return sum(o.reciprocal_rank for o in self.outcomes) / len(self.outcomes)

    def misses(self) -> list[QueryOutcome]:
        return [o for o in self.outcomes if o.recall < 1]


def search_quality(*, user) -> Quality:
    """Run every judged query through the library's search as `user` would, counting only
    the corpus's examples (other rows, e.g. the benchmark's scale data, are skipped)."""
    outcomes = []
    for judged in judged_queries():
        result = practice_search(user=user, params={"q": judged["q"]}, with_facets=False)
        slugs = result.queryset.filter(slug__startswith=SLUG_PREFIX).values_list("slug", flat=True)
        found = [slug.removeprefix(SLUG_PREFIX) for slug in slugs[:CUTOFF]]
        outcomes.append(QueryOutcome(judged["q"], judged["relevant"], found))
    return Quality(outcomes)
