"""The filters of the practice list, read from the URL so that a search can be shared."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from meetings.models import AgendaItem
from practices.models import Practice

# Population bands of a municipality: (value in the URL, label, lower bound, upper bound).
POPULATION_BANDS = [
    ("bis-10000", _("up to 10,000 inhabitants"), 0, 10_000),
    ("10000-20000", _("10,000 to 20,000 inhabitants"), 10_000, 20_000),
    ("20000-50000", _("20,000 to 50,000 inhabitants"), 20_000, 50_000),
    ("ab-50000", _("more than 50,000 inhabitants"), 50_000, None),
]
SORTS = [
    ("relevanz", _("Relevance")),
    ("neueste", _("Newest")),
    ("meist-uebernommen", _("Most adopted")),
    ("aehnliche-kommunen", _("Municipalities like mine first")),
]
# Years a practice can have started in; anything else is a form error, not a query.
FIRST_YEAR, LAST_YEAR = 1950, 2100


def population_band(population: int | None) -> tuple[str, int, int | None] | None:
    """(value, lower, upper) of the band a population falls in."""
    if population is None:
        return None
    for value, _label, lower, upper in POPULATION_BANDS:
        if population >= lower and (upper is None or population < upper):
            return value, lower, upper
    return None


def population_condition(band: str, prefix: str = "municipalities__population") -> Q | None:
    for value, _label, lower, upper in POPULATION_BANDS:
        if value == band:
            condition = Q(**{f"{prefix}__gte": lower})
            if upper is not None:
                condition &= Q(**{f"{prefix}__lt": upper})
            return condition
    return None


def presented_subquery():
    return Exists(AgendaItem.objects.filter(practice=OuterRef("pk")))


class PracticeFilter(django_filters.FilterSet):
    """Each filter narrows by a subquery on the practice id, so combining them never
    duplicates rows (several municipalities or topics per example)."""

    q = django_filters.CharFilter(method="filter_nothing", label=_("Search"))
    thema = django_filters.CharFilter(method="filter_topic", label=_("Topic"))
    kreis = django_filters.CharFilter(method="filter_district", label=_("District"))
    kommune = django_filters.CharFilter(method="filter_municipality", label=_("Municipality"))
    netzwerk = django_filters.CharFilter(method="filter_network", label=_("Network or project"))
    einwohner = django_filters.CharFilter(method="filter_population", label=_("Population"))
    beginn = django_filters.NumberFilter(
        method="filter_start_year",
        label=_("Started in"),
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        max_digits=4,
        decimal_places=0,
    )
    vorgestellt = django_filters.CharFilter(
        method="filter_presented", label=_("Presented at a meeting")
    )
    aehnlich = django_filters.CharFilter(
        method="filter_nothing", label=_("Municipalities like mine")
    )
    sortierung = django_filters.CharFilter(method="filter_nothing", label=_("Sort by"))

    class Meta:
        model = Practice
        fields = []

    def filter_nothing(self, queryset, name, value):
        # Search text and sort order are applied by the selector.
        return queryset

    def _through(self, name, **lookup):
        through = getattr(Practice, name).through
        return through.objects.filter(**lookup).values("practice_id")

    def filter_topic(self, queryset, name, value):
        return queryset.filter(pk__in=self._through("topics", topic__slug=value))

    def filter_district(self, queryset, name, value):
        return queryset.filter(
            pk__in=self._through("municipalities", municipality__district__ags_prefix=value)
        )

    def filter_municipality(self, queryset, name, value):
        return queryset.filter(pk__in=self._through("municipalities", municipality__slug=value))

    def filter_network(self, queryset, name, value):
        return queryset.filter(network__slug=value)

    def filter_population(self, queryset, name, value):
        condition = population_condition(value, prefix="municipality__population")
        if condition is None:
            return queryset.none()
        through = Practice.municipalities.through
        return queryset.filter(pk__in=through.objects.filter(condition).values("practice_id"))

    def filter_start_year(self, queryset, name, value):
        return queryset.filter(started_on__year=int(value))

    def filter_presented(self, queryset, name, value):
        if value == "ja":
            return queryset.filter(presented_subquery())
        if value == "nein":
            return queryset.exclude(presented_subquery())
        return queryset
