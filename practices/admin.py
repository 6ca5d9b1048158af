from django.contrib import admin

from practices.models import Practice, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "is_public", "published_at"]
    list_filter = ["status", "is_public", "topics"]
    search_fields = ["title", "summary"]
    filter_horizontal = ["topics", "municipalities"]
    autocomplete_fields = ["contact", "network"]
    prepopulated_fields = {"slug": ["title"]}
