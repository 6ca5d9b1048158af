from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.choices import choice_label
from common.fields import BoundedTextField


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """An account. People log in with their e-mail address; there is no user name."""

    username = None
    email = models.EmailField(_("email address"), unique=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    # Invitations, updates and cancellations always go out; only reminders can be declined.
    meeting_reminders = models.BooleanField(_("meeting reminders"), default=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self):
        return self.get_full_name() or self.email


class District(models.Model):
    ags_prefix = models.CharField(
        _("AGS prefix"),
        max_length=5,
        unique=True,
        validators=[RegexValidator(r"^\d{5}$", _("Enter the 5-digit district key."))],
    )
    name = models.CharField(_("name"), max_length=100, unique=True)
    seat = models.CharField(_("seat"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Municipality(models.Model):
    """A member of the round table: a town or municipality, or an organisation.

    District administrations and the agency take part as well; they are members of
    the organisation kinds and have no 8-digit AGS of their own.
    """

    class Kind(models.TextChoices):
        CITY = "city", _("Town")
        MUNICIPALITY = "municipality", _("Municipality")
        DISTRICT_ADMINISTRATION = "district_administration", _("District administration")
        AGENCY = "agency", _("Agency")

    ags = models.CharField(
        _("AGS"),
        max_length=8,
        unique=True,
        null=True,
        blank=True,
        validators=[RegexValidator(r"^\d{8}$", _("Enter the 8-digit municipality key (AGS)."))],
        help_text=_("Official municipality key (Amtlicher Gemeindeschlüssel), 8 digits."),
    )
    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("short name in addresses"), max_length=160, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    district = models.ForeignKey(
        District,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="municipalities",
        null=True,
        blank=True,
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_date = models.DateField(_("population as of"), null=True, blank=True)
    website = models.URLField(_("website"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    is_active = models.BooleanField(_("active member"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        indexes = [models.Index(fields=["district", "name"])]

    def __str__(self):
        return self.name

    def get_kind_display(self) -> str:
        return choice_label(self.Kind, self.kind)

    @property
    def is_organisation(self):
        return self.kind in {self.Kind.DISTRICT_ADMINISTRATION, self.Kind.AGENCY}


class Network(models.Model):
    """A network or project that municipalities belong to, e.g. "Smart Cities"."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("short name in addresses"), max_length=200, unique=True)
    description = BoundedTextField(_("description"), blank=True, max_length=5000)
    funding_note = models.CharField(_("funding"), max_length=300, blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    municipalities = models.ManyToManyField(
        Municipality, through="NetworkMembership", related_name="networks"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("network or project")
        verbose_name_plural = _("networks and projects")
        ordering = ["name"]

    def __str__(self):
        return self.name


class NetworkMembershipQuerySet(models.QuerySet):
    def current(self, *, on=None):
        """Memberships in force on ``on`` (today): begun (or without a start) and not ended.

        The one definition of "current member of a network", for the directory, the network
        page and the audience of an invitation.
        """
        on = on or timezone.localdate()
        return self.exclude(starts_on__gt=on).exclude(ends_on__lt=on)


class NetworkMembership(models.Model):
    class Role(models.TextChoices):
        PIONEER = "pioneer", _("Pioneer municipality")
        MEMBER = "member", _("Network member")
        PARTNER = "partner", _("Partner")

    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="memberships"
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="network_memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    starts_on = models.DateField(_("since"), null=True, blank=True)
    ends_on = models.DateField(_("until"), null=True, blank=True)

    objects = NetworkMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("network membership")
        verbose_name_plural = _("network memberships")
        ordering = ["network", "municipality__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "municipality", "starts_on"],
                name="unique_network_membership_start",
            )
        ]

    def __str__(self):
        return f"{self.municipality} – {self.network} ({self.get_role_display()})"


class RepresentativeQuerySet(models.QuerySet):
    def current(self, *, on=None):
        """Representatives in office on ``on`` (today): started, not ended, not anonymised.

        This is the one definition of "current representative"; ``Representative.is_current``
        says the same for a loaded row, and ``members.selectors.viewer_facts_get`` in SQL for
        the viewer (tests/members/test_viewer_facts.py holds it to this one).
        """
        on = on or timezone.localdate()
        return self.filter(starts_on__lte=on, anonymised_at__isnull=True).exclude(ends_on__lt=on)

    def main_contacts(self, *, municipality_ids, on=None) -> list:
        """One current person per municipality: the main contact, else the longest-serving."""
        chosen = {}
        for representative in (
            self.current(on=on)
            .filter(municipality_id__in=municipality_ids)
            .order_by("municipality_id", "-is_main_contact", "starts_on", "pk")
        ):
            chosen.setdefault(representative.municipality_id, representative)
        return list(chosen.values())


class Representative(models.Model):
    """A person who takes part in the round table on behalf of a member.

    A representative belongs to one municipality for a period; when somebody changes
    jobs, the old row gets an end date and a new one starts, so history stays true.
    """

    class Function(models.TextChoices):
        CITY_MARKETING = "city_marketing", _("City marketing")
        ECONOMIC_DEVELOPMENT = "economic_development", _("Economic development")
        MUNICIPAL_ADMINISTRATION = "municipal_administration", _("Municipal administration")
        DISTRICT_ADMINISTRATION = "district_administration", _("District administration")
        AGENCY = "agency", _("Agency")
        OTHER = "other", _("Other")

    class Salutation(models.TextChoices):
        NONE = "", _("(none)")
        MS = "ms", _("Ms")
        MR = "mr", _("Mr")

    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality or organisation"),
        on_delete=models.PROTECT,
        related_name="representatives",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="representatives",
    )
    salutation = models.CharField(
        _("form of address"), max_length=8, choices=Salutation.choices, blank=True
    )
    title = models.CharField(_("title"), max_length=50, blank=True, help_text=_("e.g. Dr."))
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    function = models.CharField(_("function"), max_length=40, choices=Function.choices)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    email = models.EmailField(_("email address"))
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    is_main_contact = models.BooleanField(_("main contact"), default=False)
    starts_on = models.DateField(_("since"), default=timezone.localdate)
    ends_on = models.DateField(_("until"), null=True, blank=True)
    # What other signed-in members may see; anonymous visitors never see contacts.
    show_email = models.BooleanField(_("show my email address to other members"), default=True)
    show_phone = models.BooleanField(_("show my phone number to other members"), default=False)
    # Off until the person opts in on their profile; anonymous visitors see nobody otherwise.
    listed_in_open_data = models.BooleanField(
        _("list my name in the open data interface"),
        default=False,
        help_text=_(
            "Anyone may then read your name, your function and your municipality through the "
            "portal's open data interface (OParl), and council information systems may copy "
            "them. Your email address and phone number are never published. If you switch this "
            "off again, the entry is marked as deleted and systems that copied it are asked to "
            "remove it."
        ),
    )
    # Set when the person deleted their account: the row stays for meeting history.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = RepresentativeQuerySet.as_manager()

    class Meta:
        verbose_name = _("representative")
        verbose_name_plural = _("representatives")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality"],
                condition=Q(is_main_contact=True, ends_on__isnull=True),
                name="one_main_contact_per_municipality",
                violation_error_message=_("This municipality already has a main contact."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="representative_ends_after_start",
                violation_error_message=_("The end date must not be before the start date."),
            ),
        ]
        indexes = [models.Index(fields=["email"]), models.Index(fields=["municipality", "ends_on"])]

    def __str__(self):
        return f"{self.full_name} ({self.municipality})"

    def get_function_display(self) -> str:
        return choice_label(self.Function, self.function)

    @property
    def full_name(self):
        if self.anonymised_at:
            return _("Former representative of %(municipality)s") % {
                "municipality": self.municipality.name
            }
        return self.name_of(title=self.title, first_name=self.first_name, last_name=self.last_name)

    @staticmethod
    def name_of(*, title: str, first_name: str, last_name: str) -> str:
        """How a person's name is written, for code that reads the columns without a row."""
        return " ".join(part for part in (title, first_name, last_name) if part)

    @property
    def is_current(self):
        """The row-level twin of ``Representative.objects.current()``."""
        today = timezone.localdate()
        return (
            self.anonymised_at is None
            and self.starts_on <= today
            and (self.ends_on is None or self.ends_on >= today)
        )


class PortalInvitation(models.Model):
    """An invitation to create a portal account, sent by staff to a representative.

    An invitation is single-use and expires; sending again replaces the older link.
    """

    representative = models.ForeignKey(
        Representative,
        verbose_name=_("representative"),
        on_delete=models.CASCADE,
        related_name="portal_invitations",
    )
    email = models.EmailField(_("email address"))
    # Random key; the link carries it signed with SECRET_KEY, so neither a copy of the
    # database nor the key alone is enough to forge a link.
    key = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("replaced at"), null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sent_portal_invitations",
    )

    class Meta:
        verbose_name = _("portal invitation")
        verbose_name_plural = _("portal invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} ({self.created_at:%Y-%m-%d})"

    @property
    def is_usable(self):
        return self.used_at is None and self.revoked_at is None and self.expires_at > timezone.now()
