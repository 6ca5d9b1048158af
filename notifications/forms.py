"""The outbox's filter form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from notifications import kinds
from notifications.models import OutgoingMessage

SCOPE_PATTERN = r"^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*:\d{1,18}$"


class OutboxFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("All states")), *OutgoingMessage.State.choices],
    )
    recipient = forms.CharField(
        label=_("Recipient"),
        required=False,
        max_length=200,
        help_text=_("Part of the address or the name."),
    )
    scope = forms.RegexField(
        label=_("About"), required=False, regex=SCOPE_PATTERN, widget=forms.HiddenInput
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            ("", _("All kinds")),
            *((kind.name, kind.label) for kind in kinds.all_kinds()),
        ]

    def clean_recipient(self):
        # NUL cannot be stored or searched in PostgreSQL text.
        return self.cleaned_data["recipient"].replace("\x00", "").strip()
