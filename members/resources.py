"""CSV/XLSX import and export of members, representatives and networks (django-import-export).

Every export imports back unchanged: a file downloaded from the admin and uploaded again
shows no change in the dry run. Rows are matched on stable keys, so importing a refreshed
file updates rows instead of duplicating them:

- municipalities by AGS; organisations (district administrations, the agency), which have
  no AGS, by their short name in addresses (slug);
- representatives by e-mail address and municipality;
- networks by slug; network memberships by network, municipality and start date.

Every row is validated with the model's own rules; one bad row rolls back the file. CSV is
written as German spreadsheet programs open it directly: separated by semicolons, UTF-8 with
a byte order mark. Column names are the fields' names, the same in every language.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, widgets
from import_export.formats import base_formats

from common.slugs import unique_slug
from common.spreadsheets import FormulaSafeResource
from members.models import District, Municipality, Network, NetworkMembership, Representative


class SpreadsheetCSV(base_formats.CSV):
    """CSV for German spreadsheet programs: ``;`` between cells, UTF-8 with BOM.

    Files separated by commas (older exports, other programs) are still read.
    """

    DELIMITER = ";"

    def get_title(self):
        return "csv"

    def export_data(self, dataset, **kwargs):
        return "\ufeff" + super().export_data(dataset, delimiter=self.DELIMITER, **kwargs)

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            in_stream = in_stream.decode(self.encoding or "utf-8-sig")
        in_stream = in_stream.removeprefix("\ufeff")
        header = in_stream.split("\n", 1)[0]
        delimiter = ";" if header.count(";") >= header.count(",") else ","
        return super().create_dataset(in_stream, delimiter=delimiter, **kwargs)


SPREADSHEET_FORMATS = [SpreadsheetCSV, base_formats.XLSX]


def _spreadsheet_key(value) -> str:
    """A key as typed in a spreadsheet: programs drop leading zeros and add ".0" to numbers."""
    return str(value if value is not None else "").strip().removesuffix(".0")


def _ags(value) -> str:
    ags = _spreadsheet_key(value)
    return ags.zfill(8) if ags.isdigit() else ags


class ChoiceWidget(widgets.Widget):
    """Accepts a choice's stored value or its label in the active language."""

    def __init__(self, choices, **kwargs):
        super().__init__(**kwargs)
        self.choices = choices

    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip()
        for stored, label in self.choices:
            if value in {stored, str(label)} or value.lower() == str(label).lower():
                return stored
        if value == "":
            return ""
        raise ValueError(_("Unknown value “%(value)s”.") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return value or ""


class MunicipalityWidget(widgets.ForeignKeyWidget):
    """A municipality by AGS, or by its short name for organisations without one."""

    def __init__(self, **kwargs):
        super().__init__(Municipality, field="ags", **kwargs)

    def clean(self, value, row=None, **kwargs):
        value = _spreadsheet_key(value)
        if not value:
            return None
        lookup = {"ags": _ags(value)} if value.isdigit() else {"slug": value}
        try:
            return Municipality.objects.get(**lookup)
        except Municipality.DoesNotExist:
            raise ValueError(_("No member with the key “%(value)s”.") % {"value": value}) from None

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return value.ags or value.slug


class NetworkWidget(widgets.ForeignKeyWidget):
    def __init__(self, **kwargs):
        super().__init__(Network, field="slug", **kwargs)

    def clean(self, value, row=None, **kwargs):
        value = str(value or "").strip()
        if not value:
            return None
        try:
            return Network.objects.get(slug=value)
        except Network.DoesNotExist:
            raise ValueError(
                _("No network or project with the short name “%(value)s”.") % {"value": value}
            ) from None


class DayWidget(widgets.DateWidget):
    """A date; spreadsheet programs hand back a date cell as midnight of that day."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime):
            return value.date()
        return super().clean(value, row, **kwargs)


def _clean_or_none(field, row):
    """A key column's value for matching; a bad value is reported later, at its field."""
    try:
        return field.clean(row)
    except ValueError:
        return None


class _RoundTripResource(FormulaSafeResource):
    """What all the portal's resources share: formulae escaped, whole files or nothing,
    model validation, unchanged rows skipped (a re-imported export shows no change)."""

    class Meta:
        use_transactions = True
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        if isinstance(f, models.DateField) and not isinstance(f, models.DateTimeField):
            return DayWidget
        return super().widget_from_django_field(f, default)

    def import_data(self, dataset, **kwargs):
        # A file with a bad row changes nothing, whether the row breaks a rule or cannot be read.
        kwargs.setdefault("rollback_on_validation_errors", True)
        return super().import_data(dataset, **kwargs)


class MunicipalityResource(_RoundTripResource):
    # Organisations have no AGS: an empty cell is "none" (NULL), never an empty key that a
    # second organisation would then collide with.
    ags = fields.Field(
        attribute="ags", column_name="ags", widget=widgets.CharWidget(allow_blank=False)
    )
    district = fields.Field(
        attribute="district",
        column_name="district",
        widget=widgets.ForeignKeyWidget(District, field="name"),
    )
    kind = fields.Field(
        attribute="kind", column_name="kind", widget=ChoiceWidget(Municipality.Kind.choices)
    )

    class Meta(_RoundTripResource.Meta):
        model = Municipality
        name = gettext_lazy("Municipalities and organisations")
        # Only the column must exist; get_instance() matches by AGS or else by slug.
        import_id_fields = ["ags"]
        fields = [
            "ags",
            "slug",
            "name",
            "kind",
            "district",
            "population",
            "population_date",
            "website",
            "is_active",
        ]
        export_order = fields

    def get_queryset(self):
        return Municipality.objects.select_related("district").order_by("name", "pk")

    def get_instance(self, instance_loader, row):
        if row.get("ags"):
            return Municipality.objects.filter(ags=row["ags"]).first()
        if row.get("slug"):
            return Municipality.objects.filter(slug=row["slug"]).first()
        return None

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        row["ags"] = _ags(row.get("ags")) or None
        slug = str(row.get("slug") or "").strip()
        if not slug and row["ags"]:
            # A file without the slug column (or an empty cell) keeps the known slug.
            slug = Municipality.objects.filter(ags=row["ags"]).values_list("slug", flat=True)
            slug = slug.first() or ""
        row["slug"] = slug

    def before_save_instance(self, instance, row, **kwargs):
        if not instance.slug:
            instance.slug = unique_slug(Municipality, instance.name, exclude_pk=instance.pk)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        if not instance.ags and not instance.is_organisation:
            raise ValidationError({"ags": _("Towns and municipalities need their AGS.")})
        if not instance.ags and not instance.slug:
            raise ValidationError(
                {"slug": _("An organisation without AGS needs its short name in addresses (slug).")}
            )
        # The slug of a new municipality is set just before saving; validate it as it will be.
        if not instance.slug:
            instance.slug = unique_slug(Municipality, instance.name, exclude_pk=instance.pk)
        super().validate_instance(instance, import_validation_errors, validate_unique)


class RepresentativeResource(_RoundTripResource):
    municipality = fields.Field(
        attribute="municipality", column_name="municipality", widget=MunicipalityWidget()
    )
    function = fields.Field(
        attribute="function",
        column_name="function",
        widget=ChoiceWidget(Representative.Function.choices),
    )
    salutation = fields.Field(
        attribute="salutation",
        column_name="salutation",
        widget=ChoiceWidget(Representative.Salutation.choices),
    )

    class Meta(_RoundTripResource.Meta):
        model = Representative
        name = gettext_lazy("Representatives")
        import_id_fields = ["email", "municipality"]
        fields = [
            "municipality",
            "email",
            "salutation",
            "title",
            "first_name",
            "last_name",
            "function",
            "job_title",
            "phone",
            "is_main_contact",
            "starts_on",
            "ends_on",
        ]
        export_order = fields

    def get_queryset(self):
        # Anonymised rows (deleted accounts) name nobody and cannot be matched on import.
        return (
            Representative.objects.filter(anonymised_at__isnull=True)
            .select_related("municipality")
            .order_by("municipality__name", "last_name", "first_name", "pk")
        )

    def get_instance(self, instance_loader, row):
        municipality = _clean_or_none(self.fields["municipality"], row)
        if municipality is None or not row.get("email"):
            return None
        # The same person may have had two periods at one municipality: take the same start
        # date, else the latest period.
        candidates = list(
            Representative.objects.filter(
                municipality=municipality, email=row["email"], anonymised_at__isnull=True
            ).order_by("-starts_on", "-pk")
        )
        starts_on = str(row.get("starts_on") or "")[:10]
        for candidate in candidates:
            if candidate.starts_on.isoformat() == starts_on:
                return candidate
        return candidates[0] if candidates else None

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        row["email"] = str(row.get("email") or "").strip().lower()
        municipality = _spreadsheet_key(row.get("municipality"))
        row["municipality"] = _ags(municipality) if municipality.isdigit() else municipality


class NetworkResource(_RoundTripResource):
    class Meta(_RoundTripResource.Meta):
        model = Network
        name = gettext_lazy("Networks and projects")
        import_id_fields = ["slug"]
        fields = ["slug", "name", "description", "funding_note", "starts_on", "ends_on"]
        export_order = fields

    def get_queryset(self):
        return Network.objects.order_by("name", "pk")

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        row["slug"] = str(row.get("slug") or "").strip()


class NetworkMembershipResource(_RoundTripResource):
    network = fields.Field(attribute="network", column_name="network", widget=NetworkWidget())
    municipality = fields.Field(
        attribute="municipality", column_name="municipality", widget=MunicipalityWidget()
    )
    role = fields.Field(
        attribute="role", column_name="role", widget=ChoiceWidget(NetworkMembership.Role.choices)
    )

    class Meta(_RoundTripResource.Meta):
        model = NetworkMembership
        name = gettext_lazy("Network memberships")
        import_id_fields = ["network", "municipality", "starts_on"]
        fields = ["network", "municipality", "role", "starts_on", "ends_on"]
        export_order = fields

    def get_queryset(self):
        return NetworkMembership.objects.select_related("network", "municipality").order_by(
            "network__name", "municipality__name", "starts_on", "pk"
        )

    def get_instance(self, instance_loader, row):
        network = _clean_or_none(self.fields["network"], row)
        municipality = _clean_or_none(self.fields["municipality"], row)
        if network is None or municipality is None:
            return None
        starts_on = _clean_or_none(self.fields["starts_on"], row)
        return NetworkMembership.objects.filter(
            network=network,
            municipality=municipality,
            **({"starts_on": starts_on} if starts_on else {"starts_on__isnull": True}),
        ).first()

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        municipality = _spreadsheet_key(row.get("municipality"))
        row["municipality"] = _ags(municipality) if municipality.isdigit() else municipality
