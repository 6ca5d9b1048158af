from django.contrib import admin

from notifications.models import OutgoingMessage


@admin.register(OutgoingMessage)
class OutgoingMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "recipient_email", "state", "attempts", "sent_at"]
    list_filter = ["state", "kind"]
    search_fields = ["recipient_email", "subject", "idempotency_key"]
    raw_id_fields = ["recipient_user", "recipient_representative", "meeting", "invitation"]
    readonly_fields = [field.name for field in OutgoingMessage._meta.fields]

    def has_add_permission(self, request):
        return False
