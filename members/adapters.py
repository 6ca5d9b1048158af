from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.utils import translation
from django.utils.translation import get_language

from members.messages import ACCOUNT
from members.models import User
from notifications.services import message_queue, new_idempotency_key

# Set in the session by the portal-invitation view; only an invited address may sign up.
INVITATION_SESSION_KEY = "members_invitation_token"


def _recipient(email: str, context: dict) -> User | None:
    user = context.get("user")
    if isinstance(user, User) and user.pk:
        return user
    return User.objects.filter(email__iexact=email).first()


class InvitationOnlyAccountAdapter(DefaultAccountAdapter):
    """Closes sign-up to strangers: an account exists only because staff invited it.

    allauth's mails (password reset, address confirmation, ...) go through the outbox like
    every other mail: an SMTP outage delays them instead of failing the request.
    """

    def is_open_for_signup(self, request):
        return bool(request.session.get(INVITATION_SESSION_KEY))

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        user = _recipient(email, context)
        language = user.language if user is not None else (get_language() or "")
        language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        # allauth renders its own templates (with request, site and address); the outbox
        # adds the HTML part and sends it.
        with translation.override(language):
            message = self.render_mail(template_prefix, email, {**context, "email": email})
        message_queue(
            kind=ACCOUNT,
            recipient_email=email,
            idempotency_key=new_idempotency_key(f"account:{template_prefix.rsplit('/', 1)[-1]}"),
            context={"mail_subject": message.subject, "mail_text": message.body},
            language=language,
            recipient_user=user,
            recipient_label=user.get_full_name() if user is not None else "",
            about=user,
        )
