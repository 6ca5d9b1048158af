from django.contrib import admin

from meetings.models import (
    ActionItem,
    AgendaItem,
    CalendarFeed,
    Document,
    Invitation,
    Meeting,
    Minutes,
    Series,
)


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ["name", "reminder_offsets"]
    search_fields = ["name"]
    fields = ["name", "slug", "description", "reminder_offsets"]
    prepopulated_fields = {"slug": ["name"]}


class AgendaItemInline(admin.StackedInline):
    model = AgendaItem
    extra = 0
    autocomplete_fields = ["presenters", "presenting_municipality"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "starts_at", "format", "host", "status"]
    list_filter = ["status", "format", "series"]
    list_select_related = ["series", "host"]
    search_fields = ["title", "host__name"]
    autocomplete_fields = ["host", "organiser"]
    readonly_fields = ["sequence"]
    inlines = [AgendaItemInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = [
        "representative",
        "meeting",
        "on_behalf_of",
        "response",
        "responded_at",
        "attended",
    ]
    list_filter = ["response"]
    list_select_related = [
        "representative",
        "representative__municipality",
        "meeting",
        "meeting__series",
        "on_behalf_of",
    ]
    search_fields = ["representative__last_name", "representative__email", "meeting__title"]
    autocomplete_fields = ["representative", "meeting", "on_behalf_of", "substitute_for"]


@admin.register(Minutes)
class MinutesAdmin(admin.ModelAdmin):
    list_display = ["meeting", "status", "edited_at", "published_at"]
    list_filter = ["status"]
    list_select_related = ["meeting", "meeting__series"]
    autocomplete_fields = ["meeting"]
    readonly_fields = ["last_editor", "edited_at", "published_at"]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "meeting", "agenda_item", "size", "uploaded_at"]
    list_select_related = ["meeting", "meeting__series", "agenda_item"]
    autocomplete_fields = ["meeting"]
    readonly_fields = ["content_type", "size", "uploaded_by"]


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ["what", "meeting", "owner_municipality", "due_on", "status"]
    list_filter = ["status"]
    list_select_related = ["meeting", "meeting__series", "owner_municipality"]
    autocomplete_fields = ["meeting", "owner_municipality", "owner_representative"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["user", "with_alarms", "created_at"]
    list_select_related = ["user"]
    # The hash is of no use to anybody reading it, and editing it would break the address.
    exclude = ["token_hash"]
