"""The portal's form renderer: every form and field is drawn by the same two templates."""

from django.forms.renderers import TemplatesSetting


class PortalFormRenderer(TemplatesSetting):
    """``{{ form }}`` and ``{{ form.field.as_field_group }}`` anywhere in the portal.

    Label (with the required mark), help text and errors look and are linked the same way
    in every form (aria-describedby and aria-invalid come from Django's BoundField).
    """

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
