from django import forms
from django.conf import settings
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from common.widgets import NameChoiceField
from members.models import District, Network, Representative


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by name or AGS"), required=False, max_length=100)
    district = NameChoiceField(
        label=_("District"),
        queryset=District.objects.only("pk", "name"),
        required=False,
        empty_label=_("All"),
    )
    network = NameChoiceField(
        label=_("Network or project"),
        queryset=Network.objects.only("pk", "name"),
        required=False,
        empty_label=_("All"),
    )


class ContactForm(forms.ModelForm):
    class Meta:
        model = Representative
        fields = [
            "salutation",
            "title",
            "first_name",
            "last_name",
            "job_title",
            "email",
            "phone",
            "show_email",
            "show_phone",
            "listed_in_open_data",
        ]
        help_texts = {"email": _("The address other members may use to reach you.")}


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of the portal and emails"), choices=[])
    meeting_reminders = forms.BooleanField(
        label=_("Remind me of meetings by email"),
        required=False,
        help_text=_("Invitations, changes and cancellations always reach you."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = settings.LANGUAGES


class InvitationPasswordForm(SetPasswordForm):
    """The password for the new account; the e-mail address is fixed by the invitation."""


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."))
        return password
