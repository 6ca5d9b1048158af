import hashlib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.choices import choice_label
from common.fields import BoundedTextField
from members.models import Municipality, Representative

# Meetings lie in 2000–2100 (Berlin time): a mistyped year 0001 or 9999 could otherwise be
# stored but not read back, or overflow when times are added to it (agenda, copies).
FIRST_MEETING_YEAR = 2000
LAST_MEETING_YEAR = 2100
EARLIEST_MEETING_TIME = datetime(FIRST_MEETING_YEAR, 1, 1, tzinfo=ZoneInfo("Europe/Berlin"))
MEETING_TIMES_END = datetime(LAST_MEETING_YEAR + 1, 1, 1, tzinfo=ZoneInfo("Europe/Berlin"))
MAX_AGENDA_ITEM_MINUTES = 600
# Minutes of a whole day's meeting fit many times over.
MINUTES_MAX_LENGTH = 50_000


def validate_meeting_time(value):
    try:
        in_range = EARLIEST_MEETING_TIME <= value < MEETING_TIMES_END
    except OverflowError:  # converting year 1 or 9999 to another time zone
        in_range = False
    if not in_range:
        raise ValidationError(
            _("Please enter a date between %(first)s and %(last)s."),
            code="meeting_year_range",
            params={"first": FIRST_MEETING_YEAR, "last": LAST_MEETING_YEAR},
        )


def _default_reminder_offsets():
    return [7, 1]


class Series(models.Model):
    """A numbered series of meetings, e.g. "Runder Tisch – Willkommen in Südwestfalen"."""

    class HostRotation(models.TextChoices):
        NEXT_NOT_YET_HOSTED = "next", _("Next municipality (alphabetically) that has not hosted")
        SAME_HOST = "same", _("Same host as the previous meeting")
        NONE = "none", _("No host proposed")

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("short name in addresses"), max_length=200, unique=True)
    description = BoundedTextField(_("description"), blank=True, max_length=5000)
    reminder_offsets = models.JSONField(
        _("reminders (days before)"),
        default=_default_reminder_offsets,
        blank=True,
        help_text=_("Days before each meeting on which invited people are reminded, e.g. 7, 1."),
    )
    host_rotation = models.CharField(
        _("host of the next meeting"),
        max_length=8,
        choices=HostRotation.choices,
        default=HostRotation.NEXT_NOT_YET_HOSTED,
    )
    default_duration_minutes = models.PositiveIntegerField(
        _("default duration (minutes)"), default=120
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("series")
        verbose_name_plural = _("series")
        ordering = ["name"]

    def __str__(self):
        return self.name


class MeetingQuerySet(models.QuerySet):
    def held(self, *, now=None):
        """Meetings that took place: sent out, not cancelled, and their start has passed."""
        return self.filter(status=Meeting.Status.SCHEDULED, starts_at__lte=now or timezone.now())


class Meeting(models.Model):
    class Format(models.TextChoices):
        ONLINE = "online", _("Online")
        IN_PERSON = "in_person", _("In person")
        HYBRID = "hybrid", _("Hybrid")

    # What staff did: drafted, sent the invitations, cancelled. Whether a meeting has been
    # held follows from the time (see ``state``), so no action can mark a future one as held.
    class Status(models.TextChoices):
        DRAFT = "draft", _("Planned")
        SCHEDULED = "scheduled", _("Invited")
        CANCELLED = "cancelled", _("Cancelled")

    # What pages show: the status plus the clock.
    class State(models.TextChoices):
        PLANNED = "planned", _("Planned")
        INVITED = "invited", _("Invited")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    series = models.ForeignKey(
        Series,
        verbose_name=_("series"),
        on_delete=models.PROTECT,
        related_name="meetings",
        null=True,
        blank=True,
    )
    number = models.PositiveIntegerField(_("number in the series"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=250)
    description = BoundedTextField(_("description"), blank=True, max_length=5000)
    host = models.ForeignKey(
        Municipality,
        verbose_name=_("host municipality"),
        on_delete=models.PROTECT,
        related_name="hosted_meetings",
        null=True,
        blank=True,
    )
    format = models.CharField(_("format"), max_length=16, choices=Format.choices)
    starts_at = models.DateTimeField(_("starts at"), validators=[validate_meeting_time])
    ends_at = models.DateTimeField(_("ends at"), validators=[validate_meeting_time])
    venue = BoundedTextField(_("venue address"), blank=True, max_length=1000)
    online_url = models.URLField(_("online link"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    is_public = models.BooleanField(
        _("part of the public record"),
        default=False,
        help_text=_(
            "Once the meeting is announced, anyone may read its title, time, venue, agenda, "
            "documents and published minutes through the open data interface (OParl). The "
            "online link and the invitations stay private."
        ),
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organiser"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organised_meetings",
    )
    # Who is (to be) invited, as chosen by staff; copied to the next meeting of a series.
    # Keys: all_active (bool), districts, networks, municipalities, representatives (ids).
    audience = models.JSONField(_("audience"), default=dict, blank=True)
    # Raised on every change that calendars must pick up (iCalendar SEQUENCE).
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "number"],
                condition=Q(series__isnull=False, number__isnull=False),
                name="unique_meeting_number_in_series",
                violation_error_message=_("This series already has a meeting with this number."),
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_start",
                violation_error_message=_("The meeting must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(starts_at__gte=EARLIEST_MEETING_TIME, ends_at__lt=MEETING_TIMES_END),
                name="meeting_within_supported_years",
                violation_error_message=_("Please enter a date between 2000 and 2100."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "starts_at"]),
            # Upcoming and past lists exclude states (not one status) and order by start:
            # read in start order, they stop after a page instead of sorting every meeting.
            models.Index(fields=["starts_at"], name="meetings_meeting_starts_idx"),
        ]

    def __str__(self):
        if self.series_id and self.number:
            return f"{self.number}. {self.series}: {self.title}"
        return self.title

    def get_format_display(self) -> str:
        return choice_label(self.Format, self.format)

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def state(self) -> str:
        if self.status == self.Status.CANCELLED:
            return self.State.CANCELLED
        if self.status == self.Status.DRAFT:
            return self.State.PLANNED
        return self.State.HELD if self.has_started else self.State.INVITED

    def get_state_display(self) -> str:
        return self.State(self.state).label


class AgendaItem(models.Model):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="agenda_items"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=250)
    description = BoundedTextField(_("description"), blank=True, max_length=5000)
    presenters = models.ManyToManyField(
        Representative, verbose_name=_("presenters"), blank=True, related_name="agenda_items"
    )
    presenter_text = models.CharField(
        _("presenters (free text)"),
        max_length=250,
        blank=True,
        help_text=_("For presenters who are not representatives in the portal."),
    )
    presenting_municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("presenting municipality"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="presented_agenda_items",
    )
    duration_minutes = models.PositiveIntegerField(
        _("planned duration (minutes)"),
        default=15,
        validators=[MaxValueValidator(MAX_AGENDA_ITEM_MINUTES)],
    )
    practice = models.ForeignKey(
        "practices.Practice",
        verbose_name=_("good-practice example"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
    )

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__lte=MAX_AGENDA_ITEM_MINUTES),
                name="agenda_item_duration_bounded",
                violation_error_message=_("Please enter between 1 and 600 minutes."),
            )
        ]

    def __str__(self):
        return self.title

    @property
    def duration(self):
        return timedelta(minutes=self.duration_minutes)


class Invitation(models.Model):
    class Response(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        TENTATIVE = "tentative", _("Tentative")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="invitations"
    )
    representative = models.ForeignKey(
        Representative,
        verbose_name=_("representative"),
        on_delete=models.PROTECT,
        related_name="invitations",
    )
    on_behalf_of = models.ForeignKey(
        Municipality,
        verbose_name=_("on behalf of"),
        on_delete=models.PROTECT,
        related_name="invitations",
    )
    response = models.CharField(
        _("response"), max_length=16, choices=Response.choices, default=Response.OPEN
    )
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    # Set when this invitation was created for a colleague sent in place of the invitee.
    substitute_for = models.ForeignKey(
        "self",
        verbose_name=_("substitute for"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="substitutes",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["meeting", "on_behalf_of__name", "representative__last_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "representative"], name="one_invitation_per_person"
            )
        ]
        indexes = [models.Index(fields=["meeting", "response"])]

    def __str__(self):
        return f"{self.representative.full_name} – {self.meeting}"

    def get_response_display(self) -> str:
        return choice_label(self.Response, self.response)


class Minutes(models.Model):
    """The minutes of one meeting: Markdown, shown as sanitised HTML once published."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    meeting = models.OneToOneField(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="minutes"
    )
    text = BoundedTextField(
        _("text"),
        blank=True,
        max_length=MINUTES_MAX_LENGTH,
        help_text=_("Markdown formatting is allowed."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    last_editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last edited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self):
        return str(self.meeting)

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED


def _document_upload_to(instance, filename):
    return f"meetings/{instance.meeting_id}/{filename}"


class Document(models.Model):
    """A file (slides, PDF) attached to a meeting or to one of its agenda items."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="documents"
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
    )
    title = models.CharField(_("title"), max_length=250)
    file = models.FileField(_("file"), upload_to=_document_upload_to, max_length=300)
    content_type = models.CharField(_("file type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["meeting", "agenda_item__position", "title", "id"]

    def __str__(self):
        return self.title


class ActionItem(models.Model):
    """An agreement from a meeting; shown on every following meeting of the series until done."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="action_items"
    )
    what = models.CharField(_("what"), max_length=500)
    # Required in forms and services; the column stays nullable so that a municipality can
    # be removed without losing the agreements it once owned.
    owner_municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("responsible municipality"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="action_items",
    )
    owner_representative = models.ForeignKey(
        Representative,
        verbose_name=_("responsible person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
    )
    due_on = models.DateField(_("due on"), null=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    # When it was done or dropped: earlier meetings keep showing it as open at their time.
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["meeting", "due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self):
        return self.what

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_on is not None and self.due_on < timezone.localdate()


class CalendarFeed(models.Model):
    """A personal calendar subscription behind a revocable secret address.

    Only the SHA-256 of the secret is stored: a leaked database (or backup) does not open
    anybody's feed. The secret itself is shown once, when it is created.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="meeting_calendar_feed",
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    with_alarms = models.BooleanField(
        _("alarms"),
        default=False,
        help_text=_("Calendar alarms at the reminder times of the meeting's series."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return str(self.user)

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()
