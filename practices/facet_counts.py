"""The library's filter counts as one SQL statement, written as text.

Eight grouped SELECTs joined by UNION ALL, one per filter (two for "presented"), each over
the examples the filter counts within. The ORM spent about 5 ms of Python composing and
compiling them for every search page, more than PostgreSQL needs to answer them, and the
statement's shape never changes: only the ids it counts within do. So it is written here
once, with table and column names taken from the models, and the ids bound as parameters.
"""

from collections.abc import Callable
from string import Formatter

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet

from common.lookups import int_array_text
from members.models import District, Municipality, Network
from practices.filters import POPULATION_BANDS
from practices.models import Practice, Topic, agenda_items

# A list of ids (a search window) or a queryset of examples (the whole filtered library).
Ids = list[int] | QuerySet
# SQL text and its parameters.
Fragment = tuple[str, list]

# Names in braces are filled in by _filled: table names from the models' metadata, the
# conditions' SQL; every value is a parameter.
#
# A municipality link with what the district, municipality and population counts need.
_LINKS = (
    "SELECT l.practice_id, m.slug, m.name, m.population, m.district_id"
    " FROM {municipality_link} l JOIN {municipality} m ON m.id = l.municipality_id"
    " WHERE {where}"
)
# An example with what the network, year and total counts need.
_EXAMPLES = "SELECT p.id, p.network_id, p.started_on FROM {practice} p WHERE {where}"
# One SELECT of (filter, value, label, count) rows per filter, two for "presented". Labels
# are empty where the value is its own label. A link row is unique per example and topic
# or municipality, so those counts need no DISTINCT; districts and population bands can
# reach one example through several municipalities.
_PARTS = [
    "SELECT 'thema' AS facet, CAST(t.slug AS varchar) AS key,"
    " CAST(t.name AS varchar) AS label, COUNT(*) AS count"
    " FROM {topic_link} l JOIN {topic} t ON t.id = l.topic_id"
    " WHERE {thema_where} GROUP BY 2, 3",
    "SELECT 'kreis', CAST(d.ags_prefix AS varchar), CAST(d.name AS varchar),"
    " COUNT(DISTINCT x.practice_id)"
    " FROM {kreis_links} x JOIN {district} d ON d.id = x.district_id GROUP BY 2, 3",
    "SELECT 'kommune', CAST(x.slug AS varchar), CAST(x.name AS varchar), COUNT(*)"
    " FROM {kommune_links} x GROUP BY 2, 3",
    "SELECT 'netzwerk', CAST(n.slug AS varchar), CAST(n.name AS varchar), COUNT(*)"
    " FROM {netzwerk_examples} e JOIN {network} n ON n.id = e.network_id GROUP BY 2, 3",
    "SELECT 'einwohner', CAST({band} AS varchar), CAST('' AS varchar),"
    " COUNT(DISTINCT x.practice_id)"
    " FROM {einwohner_links} x GROUP BY 2, 3",
    "SELECT 'beginn', CAST({year} AS varchar), CAST('' AS varchar), COUNT(*)"
    " FROM {beginn_examples} e WHERE e.started_on IS NOT NULL GROUP BY 2, 3",
    # Presented or not: the examples on an agenda are few, so they are counted from the
    # agenda items (by their index) and the others are all minus those; grouping every
    # example by an EXISTS took 80 ms at 100,000 examples.
    "SELECT 'vorgestellt', CAST('ja' AS varchar), CAST('' AS varchar),"
    " COUNT(DISTINCT a.practice_id)"
    " FROM {agenda_item} a WHERE {vorgestellt_where}",
    "SELECT 'vorgestellt', CAST('alle' AS varchar), CAST('' AS varchar), COUNT(*)"
    " FROM {vorgestellt_examples} e",
]
# The filters that read municipality links, and those that read examples.
_LINK_FILTERS = ["kreis", "kommune", "einwohner"]
_EXAMPLE_FILTERS = ["netzwerk", "beginn", "vorgestellt"]


def _filled(template: str, fields: dict[str, Fragment]) -> Fragment:
    """The template with each {name} replaced by its fragment, parameters in text order."""
    text, params = [], []
    for literal, name, _spec, _conversion in Formatter().parse(template):
        text.append(literal)
        if name is not None:
            fragment, values = fields[name]
            text.append(fragment)
            params += values
    return "".join(text), params


def _condition(column: str, ids: Ids) -> Fragment:
    """``column is one of the ids``.

    On PostgreSQL a list becomes one array parameter in its text form (``'{1,2,3}'``): bound
    element by element, 500 ids cost psycopg a third of a millisecond (common.lookups).
    A queryset stays a subquery.
    """
    if isinstance(ids, QuerySet):
        try:
            subquery, params = ids.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:  # e.g. queryset.none(): nothing to count within
            return "1 = 0", []
        return f"{column} IN ({subquery})", list(params)
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s::bigint[])", [int_array_text(ids)]
    values = [int(value) for value in ids]  # int() first: only integers reach the SQL
    if not values:
        return "1 = 0", []
    return f"{column} IN ({', '.join(['%s'] * len(values))})", values


def _tables() -> dict[str, Fragment]:
    quote = connection.ops.quote_name
    models = {
        "practice": Practice,
        "topic_link": Practice.topics.through,
        "topic": Topic,
        "municipality_link": Practice.municipalities.through,
        "municipality": Municipality,
        "district": District,
        "network": Network,
        "agenda_item": agenda_items().model,
    }
    return {name: (quote(model._meta.db_table), []) for name, model in models.items()}


def _population_band() -> Fragment:
    """CASE giving each municipality link the value of its population band ('' for none)."""
    cases, params = [], []
    for value, _label, lower, upper in POPULATION_BANDS:
        if upper is None:
            cases.append("WHEN x.population >= %s THEN %s")
            params += [lower, value]
        else:
            cases.append("WHEN x.population >= %s AND x.population < %s THEN %s")
            params += [lower, upper, value]
    return "CASE " + " ".join(cases) + " ELSE '' END", params


def _year() -> Fragment:
    text, params = connection.ops.date_extract_sql("year", "e.started_on", ())
    return text, list(params)


def facet_rows(ids_for: Callable[[str], Ids]) -> list[tuple[str, str, str, int]]:
    """(filter, value, label, count) rows of every filter, from one statement.

    ``ids_for(name)`` gives the examples the filter ``name`` counts within; it is asked once
    per filter, and filters given the same object count within the same examples.

    Filters that are not set all count within the same result. For a search window those
    few hundred examples' links and rows are read once, into WITH queries that the
    district, municipality and population counts (and the network, year and total counts)
    share: reading a 500-example window's links took PostgreSQL about 2 ms, three times.
    The whole library's 100,000 links are not stored that way: a set of that size costs
    more to store than three joins of their own (740 against 520 ms at Germany scale), and
    a statement without WITH queries lets PostgreSQL run its parts in parallel.
    """
    tables = _tables()
    ids = {name: ids_for(name) for name in ["thema", *_LINK_FILTERS, *_EXAMPLE_FILTERS]}
    fields = {
        **tables,
        "thema_where": _condition("l.practice_id", ids["thema"]),
        "vorgestellt_where": _condition("a.practice_id", ids["vorgestellt"]),
        "band": _population_band(),
        "year": _year(),
    }
    with_queries: list[Fragment] = []
    for suffix, template, column, names in [
        ("links", _LINKS, "l.practice_id", _LINK_FILTERS),
        ("examples", _EXAMPLES, "p.id", _EXAMPLE_FILTERS),
    ]:
        for name in names:
            if f"{name}_{suffix}" in fields:
                continue
            sharing = [other for other in names if ids[other] is ids[name]]
            definition = _filled(template, {**tables, "where": _condition(column, ids[name])})
            if len(sharing) > 1 and not isinstance(ids[name], QuerySet):
                alias = f"{suffix}_{len(with_queries)}"
                with_queries.append((f"{alias} AS MATERIALIZED ({definition[0]})", definition[1]))
                reference = (alias, [])
            else:
                reference = (f"({definition[0]})", definition[1])
            fields.update({f"{other}_{suffix}": reference for other in sharing})
    parts = [_filled(template, fields) for template in _PARTS]
    statement = " UNION ALL ".join(text for text, _params in parts)
    params = [param for _text, values in parts for param in values]
    if with_queries:
        statement = "WITH " + ", ".join(text for text, _params in with_queries) + " " + statement
        params = [param for _text, values in with_queries for param in values] + params
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()
