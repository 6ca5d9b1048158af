from allauth.account.adapter import DefaultAccountAdapter

# Set in the session by the portal-invitation view; only an invited address may sign up.
INVITATION_SESSION_KEY = "members_invitation_token"


class InvitationOnlyAccountAdapter(DefaultAccountAdapter):
    """Closes sign-up to strangers: an account exists only because staff invited it."""

    def is_open_for_signup(self, request):
        return bool(request.session.get(INVITATION_SESSION_KEY))
