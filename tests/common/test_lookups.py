import pytest

from common.lookups import id_among
from members.models import Municipality
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def test_id_among_finds_exactly_the_listed_rows():
    chosen = [MunicipalityFactory() for _ in range(3)]
    MunicipalityFactory()

    found = Municipality.objects.filter(id_among("pk", [m.pk for m in chosen]))

    assert sorted(found.values_list("pk", flat=True)) == sorted(m.pk for m in chosen)


def test_id_among_sends_a_long_list_as_one_array_parameter():
    queryset = Municipality.objects.filter(id_among("pk", list(range(1, 501))))

    sql, params = queryset.query.sql_with_params()

    assert "= ANY(" in sql
    assert len(params) == 1
    # Bound as the array's text, not a list that psycopg writes element by element.
    assert isinstance(params[0], str)


def test_id_among_refuses_what_is_not_an_integer():
    with pytest.raises(ValueError):
        Municipality.objects.filter(id_among("pk", ["1}', '2"]))


def test_id_among_an_empty_list_finds_nothing():
    MunicipalityFactory()

    assert not Municipality.objects.filter(id_among("pk", [])).exists()


def test_id_among_keeps_a_queryset_as_a_subquery():
    kept = MunicipalityFactory(name="Werdohl")
    MunicipalityFactory(name="Attendorn")
    subquery = Municipality.objects.filter(name="Werdohl").values("pk")

    queryset = Municipality.objects.filter(id_among("pk", subquery))

    assert "IN (SELECT" in str(queryset.query)
    assert list(queryset) == [kept]
