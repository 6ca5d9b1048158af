from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from members.models import Municipality, Network, Representative


class Topic(models.Model):
    """A managed topic, e.g. Willkommenskultur or Fachkräfte."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("short name in addresses"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Practice(models.Model):
    """A good-practice example that a municipality shares with the others."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), max_length=220, unique=True)
    summary = models.TextField(_("summary"), max_length=600)
    municipalities = models.ManyToManyField(
        Municipality, verbose_name=_("municipalities"), related_name="practices"
    )
    topics = models.ManyToManyField(
        Topic, verbose_name=_("topics"), blank=True, related_name="practices"
    )
    keywords = models.CharField(
        _("keywords"), max_length=300, blank=True, help_text=_("Separate keywords with commas.")
    )
    starting_situation = models.TextField(_("starting situation"), blank=True)
    goals = models.TextField(_("goals"), blank=True)
    implementation = models.TextField(_("implementation"), blank=True)
    resources = models.TextField(_("resources"), blank=True, help_text=_("Costs, staff, partners."))
    results = models.TextField(_("results and evidence"), blank=True)
    lessons_learned = models.TextField(_("lessons learned"), blank=True)
    transferability = models.TextField(_("transferability"), blank=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    is_ongoing = models.BooleanField(_("ongoing"), default=True)
    contact = models.ForeignKey(
        Representative,
        verbose_name=_("contact person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="practices",
    )
    network = models.ForeignKey(
        Network,
        verbose_name=_("network or project"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="practices",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    is_public = models.BooleanField(
        _("visible to the public"),
        default=False,
        help_text=_("Published examples are shown to members; this also shows it to visitors."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="created_practices",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("good-practice example")
        verbose_name_plural = _("good-practice examples")
        ordering = ["-published_at", "-created_at"]
        indexes = [models.Index(fields=["status", "-published_at"])]

    def __str__(self):
        return self.title
