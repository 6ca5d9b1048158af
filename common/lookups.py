"""Query helpers that the ORM has no short form for."""

from django.db import connection
from django.db.models import F, Q, QuerySet
from django.db.models.lookups import Lookup


class AnyOfArray(Lookup):
    """``column = ANY(%s)`` with the values bound as one array parameter (PostgreSQL)."""

    # Used as an expression, not registered on fields. The right-hand side is a list, not
    # a value of the column's type.
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


def id_among(field: str, ids) -> Q | Lookup:
    """A filter: ``field`` is one of ``ids`` (a list of integers, or a queryset of them).

    On PostgreSQL a list is sent as one array (``field = ANY('{…}')``) rather than as one
    parameter per id: for the 500 ids of a search window across seven filter counts, psycopg
    and Django spent about 30 ms preparing 3,500 parameters of a statement that PostgreSQL
    answers in 17 ms. A queryset stays a subquery; other databases get ``IN``.
    """
    if isinstance(ids, QuerySet) or connection.vendor != "postgresql":
        return Q(**{f"{field}__in": ids})
    return AnyOfArray(F(field), [int(value) for value in ids])
