"""CSV/XLSX import and export of members and representatives (django-import-export).

Rows are matched on stable keys, so importing a refreshed file updates rows instead of
duplicating them: municipalities by AGS, representatives by e-mail and municipality.
Every row is validated with the model's own rules; one bad row rolls back the file.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, widgets

from common.slugs import unique_slug
from common.spreadsheets import FormulaSafeResource
from members.models import District, Municipality, Representative


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
        value = str(value or "").strip()
        if not value:
            return None
        lookup = {"ags": value} if value.isdigit() else {"slug": value}
        try:
            return Municipality.objects.get(**lookup)
        except Municipality.DoesNotExist:
            raise ValueError(_("No member with the key “%(value)s”.") % {"value": value}) from None

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return value.ags or value.slug


class MunicipalityResource(FormulaSafeResource):
    district = fields.Field(
        attribute="district",
        column_name="district",
        widget=widgets.ForeignKeyWidget(District, field="name"),
    )
    kind = fields.Field(
        attribute="kind", column_name="kind", widget=ChoiceWidget(Municipality.Kind.choices)
    )

    class Meta:
        model = Municipality
        import_id_fields = ["ags"]
        fields = [
            "ags",
            "name",
            "kind",
            "district",
            "population",
            "population_date",
            "website",
            "is_active",
        ]
        export_order = fields
        use_transactions = True
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        # Spreadsheet programs drop leading zeros and add ".0" to numbers.
        ags = str(row.get("ags") or "").strip().removesuffix(".0")
        if ags.isdigit():
            ags = ags.zfill(8)
        row["ags"] = ags or None

    def before_save_instance(self, instance, row, **kwargs):
        if not instance.slug:
            instance.slug = unique_slug(Municipality, instance.name, exclude_pk=instance.pk)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        if not instance.ags:
            raise ValidationError({"ags": _("The AGS is required for an import.")})
        # The slug is set just before saving; leave it out of the model validation.
        if not instance.slug:
            instance.slug = unique_slug(Municipality, instance.name, exclude_pk=instance.pk)
        super().validate_instance(instance, import_validation_errors, validate_unique)


class RepresentativeResource(FormulaSafeResource):
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

    class Meta:
        model = Representative
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
        use_transactions = True
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        row["email"] = str(row.get("email") or "").strip().lower()
        municipality = str(row.get("municipality") or "").strip().removesuffix(".0")
        if municipality.isdigit():
            municipality = municipality.zfill(8)
        row["municipality"] = municipality
