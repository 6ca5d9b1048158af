"""Who may see outgoing mail: whoever holds the outbox's model permissions (agency staff
through their group, admins as superusers); mails hold personal data."""


def can_view_messages(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.has_perm("notifications.view_outgoingmessage")
    )


def can_resend_messages(user) -> bool:
    return can_view_messages(user) and user.has_perm("notifications.change_outgoingmessage")
