from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from members import permissions as member_permissions
from members.models import Municipality, Network, Representative
from practices.models import Practice, Topic
from practices.services import EDITABLE_FIELDS, NewAttachment
from practices.uploads import validate_upload

MAX_LINKS = 10


class PracticeForm(forms.ModelForm):
    """The contribution form. It only checks input; practices.services saves it."""

    links = forms.CharField(
        label=_("Links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One link per line: the address, then optionally a space and the link text, "
            "e.g. “https://www.werdohl.de/willkommen Willkommensseite”."
        ),
    )
    image = forms.FileField(
        label=_("Add an image"),
        required=False,
        help_text=_("JPEG, PNG, WebP or GIF."),
    )
    image_title = forms.CharField(
        label=_("Description of the image"),
        required=False,
        max_length=250,
        help_text=_("For people who cannot see the image."),
    )
    document = forms.FileField(
        label=_("Add a document"),
        required=False,
        help_text=_("PDF, Word, Excel, PowerPoint or OpenDocument."),
    )
    document_title = forms.CharField(
        label=_("Title of the document"), required=False, max_length=250
    )
    remove_attachments = forms.MultipleChoiceField(
        label=_("Remove files"), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Practice
        fields = [
            "title",
            "summary",
            "municipalities",
            "topics",
            "keywords",
            *Practice.SECTION_FIELDS,
            "started_on",
            "ended_on",
            "is_ongoing",
            "contact",
            "network",
            "is_public",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "topics": forms.CheckboxSelectMultiple,
            "started_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ended_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            **{name: forms.Textarea(attrs={"rows": 4}) for name in Practice.SECTION_FIELDS},
        }
        help_texts = {
            "summary": _("Two or three sentences that make others curious."),
            "municipalities": _("For joint projects choose every municipality involved."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.is_staff = member_permissions.is_agency_staff(user)
        own = member_permissions.current_municipality(user)
        self.fields["municipalities"].queryset = Municipality.objects.filter(
            is_active=True
        ).order_by("name")
        self.fields["topics"].queryset = Topic.objects.order_by("name")
        self.fields["network"].queryset = Network.objects.order_by("name")
        contacts = Representative.objects.current().select_related("municipality")
        if not self.is_staff:
            del self.fields["is_public"]
            if own is not None:
                contacts = contacts.filter(municipality=own)
                self.fields["municipalities"].required = False
                self.fields["municipalities"].help_text = _(
                    "Your municipality is always included. For joint projects choose the "
                    "other municipalities involved."
                )
                if not self.instance.pk:
                    self.initial.setdefault("municipalities", [own.pk])
        self.fields["contact"].queryset = contacts.order_by("last_name", "first_name")
        if self.instance.pk:
            self.fields["remove_attachments"].choices = [
                (str(attachment.pk), attachment.title)
                for attachment in self.instance.attachments.all()
            ]
            self.initial.setdefault(
                "links",
                "\n".join(f"{link.url} {link.title}".strip() for link in self.instance.links.all()),
            )
        else:
            del self.fields["remove_attachments"]

    def clean_links(self):
        links = []
        validate = URLValidator(schemes=["http", "https"])
        for number, line in enumerate(self.cleaned_data["links"].splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            url, _space, title = line.partition(" ")
            try:
                validate(url)
            except ValidationError:
                raise ValidationError(
                    _("Line %(number)s is not a web address starting with https:// or http://."),
                    params={"number": number},
                    code="invalid_link",
                ) from None
            links.append((url, title.strip()))
        if len(links) > MAX_LINKS:
            raise ValidationError(_("Please add at most %(max)s links."), params={"max": MAX_LINKS})
        return links

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        if upload:
            self.image_type = validate_upload(upload, kind="image")
        return upload

    def clean_document(self):
        upload = self.cleaned_data.get("document")
        if upload:
            self.document_type = validate_upload(upload, kind="document")
        return upload

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("image") and not cleaned.get("image_title", "").strip():
            self.add_error("image_title", _("Please describe the image in a few words."))
        started, ended = cleaned.get("started_on"), cleaned.get("ended_on")
        if started and ended and ended < started:
            self.add_error("ended_on", _("The end must not be before the start."))
        if ended and cleaned.get("is_ongoing"):
            self.add_error("is_ongoing", _("An example with an end date is not ongoing."))
        return cleaned

    # What the services need, taken from the checked data.
    def practice_fields(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name in EDITABLE_FIELDS}

    def new_attachments(self) -> list[NewAttachment]:
        attachments = []
        if self.cleaned_data.get("image"):
            attachments.append(
                NewAttachment(
                    kind="image",
                    file=self.cleaned_data["image"],
                    title=self.cleaned_data["image_title"],
                    content_type=self.image_type,
                )
            )
        if self.cleaned_data.get("document"):
            upload = self.cleaned_data["document"]
            attachments.append(
                NewAttachment(
                    kind="document",
                    file=upload,
                    title=self.cleaned_data.get("document_title") or upload.name,
                    content_type=self.document_type,
                )
            )
        return attachments

    def removed_attachment_ids(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data.get("remove_attachments") or []]


class ReviewForm(forms.Form):
    ACTIONS = [
        ("publish", _("Publish")),
        ("request_changes", _("Ask for changes")),
        ("archive", _("Archive")),
    ]
    action = forms.ChoiceField(label=_("Decision"), choices=ACTIONS, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment for the authors"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )
    is_public = forms.BooleanField(
        label=_("Also show it to visitors who are not signed in"), required=False
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "request_changes" and not cleaned.get("comment", "").strip():
            self.add_error("comment", _("Please say what should be changed."))
        return cleaned


class AdoptionForm(forms.Form):
    note = forms.CharField(
        label=_("How did it go?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A few sentences help others: what did you change, what worked?"),
    )
