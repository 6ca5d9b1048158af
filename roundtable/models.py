from django.db import models
from django.utils.translation import gettext_lazy as _

from common.fields import BoundedTextField


class LegalPage(models.Model):
    """Imprint and privacy policy, editable by staff in the admin."""

    class Kind(models.TextChoices):
        IMPRINT = "imprint", _("Imprint")
        PRIVACY = "privacy", _("Privacy policy")
        ACCESSIBILITY = "accessibility", _("Accessibility statement")

    kind = models.CharField(_("page"), max_length=20, choices=Kind.choices)
    language = models.CharField(_("language"), max_length=8, default="de")
    title = models.CharField(_("title"), max_length=200)
    body = BoundedTextField(_("text"), max_length=50_000, help_text=_("Markdown; HTML is removed."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("legal page")
        verbose_name_plural = _("legal pages")
        constraints = [
            models.UniqueConstraint(fields=["kind", "language"], name="one_legal_page_per_language")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.language})"
