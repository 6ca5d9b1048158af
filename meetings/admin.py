from django.contrib import admin

from meetings.models import AgendaItem, Invitation, Meeting, Series


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]
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
    inlines = [AgendaItemInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["representative", "meeting", "on_behalf_of", "response", "responded_at"]
    list_filter = ["response"]
    list_select_related = [
        "representative",
        "representative__municipality",
        "meeting",
        "meeting__series",
        "on_behalf_of",
    ]
    search_fields = ["representative__last_name", "representative__email", "meeting__title"]
    autocomplete_fields = ["representative", "meeting", "on_behalf_of"]
