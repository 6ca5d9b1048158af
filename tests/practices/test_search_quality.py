"""Search quality on the judged query set (tests/practices/search_corpus).

The recorded figures are the README's; a change that makes the search find less, or put
the right examples further down, fails here.
"""

import pytest

from tests.factories import RepresentativeUserFactory
from tests.practices.search_corpus import corpus_data, corpus_load, judged_queries, search_quality

pytestmark = pytest.mark.django_db

# Before decompounding, folding and the vocabulary: recall@10 0.873, MRR 0.926.
RECORDED_RECALL_AT_10 = 0.979
RECORDED_MRR = 0.989


@pytest.fixture
def quality():
    corpus_load()
    return search_quality(user=RepresentativeUserFactory())


def test_judged_set_has_at_least_forty_queries_with_existing_examples():
    slugs = {row["slug"].removeprefix("korpus-") for row in corpus_data()["practices"]}
    queries = judged_queries()

    assert len(queries) >= 40
    assert all(judged["relevant"] and set(judged["relevant"]) <= slugs for judged in queries)


def test_recall_at_10_does_not_drop_below_the_recorded_figure(quality):
    misses = [(o.query, o.found) for o in quality.misses()]

    assert round(quality.recall_at_10, 3) >= RECORDED_RECALL_AT_10, misses


def test_mean_reciprocal_rank_does_not_drop_below_the_recorded_figure(quality):
    assert round(quality.mrr, 3) >= RECORDED_MRR
