from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.fields import BoundedTextField
from members.models import Municipality, Network, Representative

# The topics the portal ships (data migration 0002), by slug: their German name as shipped
# and the label shown in the reader's language. Labels come from the translation catalogue
# rather than a second name column because the list is fixed by the portal, like any
# other interface text; topics staff add later have no translation and show their name.
PORTAL_TOPIC_LABELS = {
    "willkommenskultur": ("Willkommenskultur", _("Welcome culture")),
    "neubuerger-gewinnung": ("Neubürger-Gewinnung", _("Attracting new residents")),
    "fachkraefte": ("Fachkräfte", _("Skilled workers")),
    "medizin-pflege": ("Medizin & Pflege", _("Medicine & care")),
    "tourismus": ("Tourismus", _("Tourism")),
    "smart-city": ("Smart City", _("Smart city")),
    "stadtmarketing": ("Stadtmarketing", _("City marketing")),
    "wohnen": ("Wohnen", _("Housing")),
    "familie": ("Familie", _("Family")),
}


def topic_label(*, slug: str, name: str) -> str:
    """The topic's name in the active language.

    Translated only while staff keep the name the portal shipped: a renamed topic shows
    its new name, not a translation of the old one.
    """
    shipped = PORTAL_TOPIC_LABELS.get(slug)
    if shipped is not None and shipped[0] == name:
        return str(shipped[1])
    return name


# One section of a practice: several pages of text, far below what slows a page down.
SECTION_MAX_LENGTH = 10_000


class Topic(models.Model):
    """A managed topic, e.g. Willkommenskultur or Fachkräfte."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("short name in addresses"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return topic_label(slug=self.slug, name=self.name)


class Practice(models.Model):
    """A good-practice example that a municipality shares with the others."""

    # The example's sections in the order the page, the form and the search index use.
    SECTION_FIELDS = (
        "starting_situation",
        "goals",
        "implementation",
        "resources",
        "results",
        "lessons_learned",
        "transferability",
    )

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), max_length=220, unique=True)
    summary = BoundedTextField(_("summary"), max_length=600)
    municipalities = models.ManyToManyField(
        Municipality, verbose_name=_("municipalities"), related_name="practices"
    )
    topics = models.ManyToManyField(
        Topic, verbose_name=_("topics"), blank=True, related_name="practices"
    )
    keywords = models.CharField(
        _("keywords"), max_length=300, blank=True, help_text=_("Separate keywords with commas.")
    )
    starting_situation = BoundedTextField(
        _("starting situation"), blank=True, max_length=SECTION_MAX_LENGTH
    )
    goals = BoundedTextField(_("goals"), blank=True, max_length=SECTION_MAX_LENGTH)
    implementation = BoundedTextField(
        _("implementation"), blank=True, max_length=SECTION_MAX_LENGTH
    )
    resources = BoundedTextField(
        _("resources"),
        blank=True,
        max_length=SECTION_MAX_LENGTH,
        help_text=_("Costs, staff, partners."),
    )
    results = BoundedTextField(_("results and evidence"), blank=True, max_length=SECTION_MAX_LENGTH)
    lessons_learned = BoundedTextField(
        _("lessons learned"), blank=True, max_length=SECTION_MAX_LENGTH
    )
    transferability = BoundedTextField(
        _("transferability"), blank=True, max_length=SECTION_MAX_LENGTH
    )
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
    # German full-text index (title A, summary and keywords B, sections C, names D), kept
    # current by practices.services; its GIN index is created in a PostgreSQL-only migration.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("good-practice example")
        verbose_name_plural = _("good-practice examples")
        ordering = ["-published_at", "-created_at"]
        indexes = [
            models.Index(fields=["status", "-published_at"]),
            # "The examples this viewer may see" as ids read from the index alone: the filter
            # counts of the whole library join them seven times (0.9 s of reading the table
            # at 100,000 examples, 0.1 s from this index).
            models.Index(fields=["status", "is_public", "id"], name="practices_visible_idx"),
        ]

    def __str__(self):
        return self.title


class SearchWord(models.Model):
    """A word of the published examples, for similar spellings and "Did you mean …?".

    Kept by practices.search when an example is indexed; `practices_reindex` rebuilds it.
    `folded` is the word as the index sees it (see practices.search.fold), `spelling` one
    way the examples write it. A trigram index on `folded` exists on PostgreSQL.
    """

    folded = models.CharField(_("folded word"), max_length=60, unique=True)
    spelling = models.CharField(_("spelling"), max_length=60)

    class Meta:
        verbose_name = _("search word")
        verbose_name_plural = _("search words")

    def __str__(self):
        return self.spelling


class SearchSubscription(models.Model):
    """A person's saved search: new examples of it come by mail once a week."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="search_subscriptions",
    )
    # The list's query string without the page, e.g. "q=Fachkr%C3%A4fte&kreis=05962".
    query_string = models.CharField(_("search"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("subscribed at"), auto_now_add=True)
    # Examples published after this were not in a digest yet.
    covered_until = models.DateTimeField(_("covered until"))

    class Meta:
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "query_string"], name="one_subscription_per_search"
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.query_string or '*'}"


class PracticeLink(models.Model):
    practice = models.ForeignKey(
        Practice,
        verbose_name=_("good-practice example"),
        on_delete=models.CASCADE,
        related_name="links",
    )
    url = models.URLField(_("address"), max_length=500)
    title = models.CharField(_("link text"), max_length=200, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")
        ordering = ["practice", "position", "id"]

    def __str__(self):
        return self.title or self.url


def attachment_upload_to(instance, filename):
    # The original name is kept for the reader; storage adds a suffix when it is taken.
    return f"practices/{instance.practice_id}/{filename}"


class PracticeAttachment(models.Model):
    """An image or a document belonging to a good-practice example."""

    class Kind(models.TextChoices):
        IMAGE = "image", _("Image")
        DOCUMENT = "document", _("Document")

    practice = models.ForeignKey(
        Practice,
        verbose_name=_("good-practice example"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=attachment_upload_to, max_length=300)
    title = models.CharField(
        _("title or description"),
        max_length=250,
        help_text=_("For images: a short description for people who cannot see the image."),
    )
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["practice", "kind", "id"]

    def __str__(self):
        return self.title


class Adoption(models.Model):
    """A municipality took up a practice ("Wir haben das übernommen")."""

    practice = models.ForeignKey(
        Practice,
        verbose_name=_("good-practice example"),
        on_delete=models.CASCADE,
        related_name="adoptions",
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="practice_adoptions",
    )
    note = BoundedTextField(_("how it went"), max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("adoption")
        verbose_name_plural = _("adoptions")
        ordering = ["practice", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "practice"],
                name="one_adoption_per_municipality",
                violation_error_message=_("Your municipality has already recorded this adoption."),
            )
        ]

    def __str__(self):
        return f"{self.municipality} – {self.practice}"


class PracticeReview(models.Model):
    """One step in the review history: a status change with an optional comment."""

    practice = models.ForeignKey(
        Practice,
        verbose_name=_("good-practice example"),
        on_delete=models.CASCADE,
        related_name="reviews",
    )
    old_status = models.CharField(
        _("previous status"), max_length=16, choices=Practice.Status.choices
    )
    new_status = models.CharField(_("new status"), max_length=16, choices=Practice.Status.choices)
    comment = BoundedTextField(_("comment"), blank=True, max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("review step")
        verbose_name_plural = _("review history")
        ordering = ["practice", "created_at", "id"]

    def __str__(self):
        return f"{self.practice}: {self.old_status} → {self.new_status}"


def agenda_items():
    """The manager of meetings' agenda items, which may present an example.

    meetings sits above practices (its AgendaItem points here), so practices reaches the
    agenda items through that foreign key's reverse side instead of importing meetings.
    """
    return Practice.agenda_items.rel.related_model.objects
