from pathlib import Path
from zoneinfo import ZoneInfo

import filetype
from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.widgets import LeanRadioSelect, LeanSelect
from meetings.models import (
    FIRST_MEETING_YEAR,
    LAST_MEETING_YEAR,
    MAX_AGENDA_ITEM_MINUTES,
    MINUTES_MAX_LENGTH,
    ActionItem,
    AgendaItem,
    Invitation,
    Meeting,
    Series,
    validate_meeting_time,
)
from meetings.services import MEETING_FIELDS
from members.models import District, Municipality, Network, NetworkMembership, Representative

BERLIN = ZoneInfo("Europe/Berlin")

# Documents people attach to meetings: extension -> accepted MIME types by magic bytes.
DOCUMENT_TYPES = {
    "pdf": {"application/pdf"},
    "pptx": {"application/vnd.openxmlformats-officedocument.presentationml.presentation"},
    "docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    "xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    "odp": {"application/vnd.oasis.opendocument.presentation"},
    "odt": {"application/vnd.oasis.opendocument.text"},
    "png": {"image/png"},
    "jpg": {"image/jpeg"},
    "jpeg": {"image/jpeg"},
}
# Office files are ZIP containers; some versions of filetype only see the ZIP.
ZIP_CONTAINERS = {"pptx", "docx", "xlsx", "odp", "odt"}


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _meeting_time_widget():
    # The browser's date picker keeps to the years the portal accepts.
    return DateTimeLocalInput(
        attrs={
            "min": f"{FIRST_MEETING_YEAR}-01-01T00:00",
            "max": f"{LAST_MEETING_YEAR}-12-31T23:59",
        }
    )


class MeetingForm(forms.ModelForm):
    starts_at = forms.DateTimeField(
        label=_("Starts at"),
        widget=_meeting_time_widget(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        validators=[validate_meeting_time],
    )
    ends_at = forms.DateTimeField(
        label=_("Ends at"),
        widget=_meeting_time_widget(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        validators=[validate_meeting_time],
    )

    class Meta:
        model = Meeting
        fields = list(MEETING_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "venue": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = Municipality.objects.filter(is_active=True)
        for name in ("starts_at", "ends_at"):
            value = self.initial.get(name)
            if value:
                self.initial[name] = timezone.localtime(value, BERLIN)

    def clean(self):
        data = super().clean()
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("The meeting must end after it starts."))
        meeting_format = data.get("format")
        if meeting_format == Meeting.Format.IN_PERSON and not data.get("venue"):
            self.add_error("venue", _("Please enter the venue of a meeting in person."))
        if meeting_format == Meeting.Format.ONLINE and not data.get("online_url"):
            self.add_error("online_url", _("Please enter the link of an online meeting."))
        return data

    def _post_clean(self):
        # The service saves; only run field validation here, not a save-like full_clean.
        pass


class ReminderOffsetsField(forms.CharField):
    """Days before a meeting, written as "7, 1": whole numbers from 1 to 365, each once."""

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(days) for days in value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        days = []
        for part in text.replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit() or not 1 <= int(part) <= 365:
                raise forms.ValidationError(
                    _("Please enter whole numbers of days from 1 to 365, separated by commas.")
                )
            days.append(int(part))
        return sorted(set(days), reverse=True)


class SeriesForm(forms.ModelForm):
    reminder_offsets = ReminderOffsetsField(
        label=_("Reminders (days before)"),
        required=False,
        max_length=200,
        help_text=_("For example “7, 1”: a week and a day before. Leave empty for no reminders."),
    )

    class Meta:
        model = Series
        fields = [
            "name",
            "slug",
            "description",
            "reminder_offsets",
            "host_rotation",
            "default_duration_minutes",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def clean_default_duration_minutes(self):
        value = self.cleaned_data["default_duration_minutes"]
        if not 15 <= value <= 24 * 60:
            raise forms.ValidationError(_("Please enter between 15 and 1440 minutes."))
        return value

    def _post_clean(self):
        # The service saves (and checks uniqueness); the form only validates its fields.
        pass


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = [
            "title",
            "description",
            "duration_minutes",
            "presenters",
            "presenter_text",
            "presenting_municipality",
            "practice",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["presenters"].queryset = Representative.objects.current().select_related(
            "municipality"
        )
        self.fields["presenters"].required = False
        self.fields["presenting_municipality"].queryset = Municipality.objects.filter(
            is_active=True
        )
        self.fields["duration_minutes"].min_value = 1

    def clean_duration_minutes(self):
        value = self.cleaned_data["duration_minutes"]
        if value < 1 or value > MAX_AGENDA_ITEM_MINUTES:
            raise forms.ValidationError(_("Please enter between 1 and 600 minutes."))
        return value

    def item_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("presenters", None)
        return data

    def _post_clean(self):
        pass


class AudienceForm(forms.Form):
    all_active = forms.BooleanField(
        label=_("All active member municipalities and organisations"), required=False
    )
    districts = forms.ModelMultipleChoiceField(
        label=_("Districts"),
        queryset=District.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    networks = forms.ModelMultipleChoiceField(
        label=_("Networks and projects"),
        queryset=Network.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    network_tiers = forms.MultipleChoiceField(
        label=_("Tiers of a network"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For example only the pioneer municipalities of a project."),
    )
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Single municipalities"),
        queryset=Municipality.objects.filter(is_active=True),
        required=False,
        help_text=_("The main contact of each municipality is invited."),
    )
    representatives = forms.ModelMultipleChoiceField(
        label=_("Single people"),
        queryset=Representative.objects.select_related("municipality"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["representatives"].queryset = Representative.objects.current().select_related(
            "municipality"
        )
        self.fields["network_tiers"].choices = [
            (f"{network.pk}:{role}", f"{network.name}: {label}")
            for network in Network.objects.order_by("name")
            for role, label in NetworkMembership.Role.choices
        ]

    def clean(self):
        data = super().clean()
        if not any(
            data.get(name)
            for name in (
                "all_active",
                "districts",
                "networks",
                "network_tiers",
                "municipalities",
                "representatives",
            )
        ):
            raise forms.ValidationError(_("Please choose at least one group or person."))
        return data

    def selection(self) -> dict:
        """The choice as plain ids (stored on the meeting and passed to the selector)."""
        data = self.cleaned_data
        return {
            "all_active": bool(data.get("all_active")),
            "districts": [obj.pk for obj in data.get("districts") or []],
            "networks": [obj.pk for obj in data.get("networks") or []],
            "network_tiers": list(data.get("network_tiers") or []),
            "municipalities": [obj.pk for obj in data.get("municipalities") or []],
            "representatives": [obj.pk for obj in data.get("representatives") or []],
        }


class ResponseForm(forms.Form):
    response = forms.ChoiceField(
        label=_("Your response"),
        choices=[
            choice
            for choice in Invitation.Response.choices
            if choice[0] != Invitation.Response.OPEN
        ],
        # On every invited person's meeting page: written without a template per button.
        widget=LeanRadioSelect,
    )
    note = forms.CharField(label=_("Note (optional)"), max_length=500, required=False)


class FetchedOnceChoiceIterator(forms.models.ModelChoiceIterator):
    """Choices from the queryset's own result: one plain SELECT, kept on the queryset.

    Django's iterator() streams the rows through a server-side cursor (on PostgreSQL outside
    a transaction DECLARE … WITH HOLD, FETCH and CLOSE) to spare memory on long lists; a few
    colleagues gain nothing by it, and the fetched rows also answer whether there is anyone
    to choose (SubstituteForm.has_colleagues) without another query.
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class SubstituteForm(forms.Form):
    substitute = forms.ModelChoiceField(
        label=_("Colleague who takes part instead"),
        queryset=Representative.objects.none(),
        widget=LeanSelect,
    )
    substitute.iterator = FetchedOnceChoiceIterator
    note = forms.CharField(label=_("Note (optional)"), max_length=500, required=False)

    def __init__(self, *args, invitation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["substitute"].queryset = (
            Representative.objects.current()
            .filter(municipality_id=invitation.on_behalf_of_id)
            .exclude(pk=invitation.representative_id)
            .select_related("municipality")
        )
        # Colleagues all belong to the same municipality: the name says enough.
        self.fields["substitute"].label_from_instance = lambda colleague: colleague.full_name

    @property
    def has_colleagues(self) -> bool:
        return bool(self.fields["substitute"].queryset)


class MinutesForm(forms.Form):
    text = forms.CharField(
        label=_("Minutes"),
        widget=forms.Textarea(attrs={"rows": 20}),
        required=False,
        max_length=MINUTES_MAX_LENGTH,
        help_text=_("Markdown formatting is allowed: # headings, **bold**, lists with -."),
    )


def check_document_file(upload):
    """Raise a ValidationError unless the upload has an accepted type and size."""
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise forms.ValidationError(
            _("The file is too large (at most %(size)s).")
            % {"size": filesizeformat(settings.UPLOAD_MAX_BYTES)}
        )
    extension = Path(upload.name).suffix.lower().lstrip(".")
    if extension not in DOCUMENT_TYPES:
        raise forms.ValidationError(
            _("Please upload a PDF, presentation, document, spreadsheet or image (%(types)s).")
            % {"types": ", ".join(sorted(DOCUMENT_TYPES))}
        )
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    detected = kind.mime if kind else None
    if detected in DOCUMENT_TYPES[extension]:
        return detected
    if extension in ZIP_CONTAINERS and detected == "application/zip":
        return next(iter(DOCUMENT_TYPES[extension]))
    raise forms.ValidationError(
        _("The file content does not match its type (.%(ext)s).") % {"ext": extension}
    )


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=250)
    file = forms.FileField(label=_("File"))
    agenda_item = forms.ModelChoiceField(
        label=_("Agenda item (optional)"), queryset=AgendaItem.objects.none(), required=False
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = meeting.agenda_items.all()
        self.content_type = ""

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.content_type = check_document_file(upload)
        return upload


class ActionItemForm(forms.ModelForm):
    class Meta:
        model = ActionItem
        fields = ["what", "owner_municipality", "owner_representative", "due_on"]
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_municipality"].queryset = Municipality.objects.filter(is_active=True)
        self.fields["owner_municipality"].required = True
        self.fields[
            "owner_representative"
        ].queryset = Representative.objects.current().select_related("municipality")
        self.fields["due_on"].required = True

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if self.instance.pk is None and due_on < timezone.localdate():
            raise forms.ValidationError(_("The due date must not be in the past."))
        return due_on

    def clean(self):
        data = super().clean()
        person, municipality = data.get("owner_representative"), data.get("owner_municipality")
        if person and municipality and person.municipality_id != municipality.pk:
            self.add_error(
                "owner_representative",
                _("The responsible person must represent the responsible municipality."),
            )
        return data

    def _post_clean(self):
        pass


class ActionItemStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionItem.Status.choices)


class ActionItemFilterForm(forms.Form):
    """Filters of the list of action items across meetings (GET)."""

    municipality = forms.ModelChoiceField(
        label=_("Responsible municipality"),
        queryset=Municipality.objects.filter(is_active=True),
        required=False,
        empty_label=_("All municipalities"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All")),
            ("open", _("Open")),
            ("overdue", _("Overdue")),
            ("done", _("Done")),
            ("dropped", _("Dropped")),
        ],
    )

    def filters(self) -> dict:
        """The valid filters; invalid values count as not set."""
        if not self.is_valid():
            return {"municipality_id": None, "status": ""}
        municipality = self.cleaned_data.get("municipality")
        return {
            "municipality_id": municipality.pk if municipality else None,
            "status": self.cleaned_data.get("status") or "",
        }


class AttendanceForm(forms.Form):
    attended = forms.MultipleChoiceField(
        label=_("Took part"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, invitations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [
            (
                str(invitation.pk),
                f"{invitation.representative.full_name} ({invitation.on_behalf_of})",
            )
            for invitation in invitations
        ]


class CalendarFeedSettingsForm(forms.Form):
    with_alarms = forms.TypedChoiceField(
        label=_("Alarms in your calendar"),
        choices=[
            ("", _("No alarms")),
            ("1", _("At the reminder times of the meeting series (e.g. 7 and 1 days before)")),
        ],
        coerce=bool,
        empty_value=False,
        required=False,
        widget=forms.RadioSelect,
    )
