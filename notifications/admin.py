from django.contrib import admin

from notifications.models import Mailing, OutgoingMessage


@admin.register(OutgoingMessage)
class OutgoingMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "recipient_email", "state", "attempts", "sent_at"]
    list_filter = ["state", "kind"]
    search_fields = ["recipient_email", "recipient_label", "subject", "idempotency_key", "scope"]
    raw_id_fields = ["recipient_user", "mailing"]
    readonly_fields = [field.name for field in OutgoingMessage._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Mailing)
class MailingAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "scope", "state", "expanded_at"]
    list_filter = ["state", "kind"]
    search_fields = ["scope", "idempotency_key"]
    readonly_fields = [field.name for field in Mailing._meta.fields]

    def has_add_permission(self, request):
        return False
