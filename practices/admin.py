from django.contrib import admin

from practices.models import (
    Adoption,
    Practice,
    PracticeAttachment,
    PracticeLink,
    PracticeReview,
    Topic,
)
from practices.services import practice_search_index_update


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class PracticeLinkInline(admin.TabularInline):
    model = PracticeLink
    extra = 0


class PracticeAttachmentInline(admin.TabularInline):
    model = PracticeAttachment
    extra = 0
    fields = ["kind", "title", "file", "size", "content_type"]
    readonly_fields = ["kind", "file", "size", "content_type"]

    def has_add_permission(self, request, obj=None):
        # New files go through the portal's form, which checks their type and size.
        return False


class AdoptionInline(admin.TabularInline):
    model = Adoption
    extra = 0
    autocomplete_fields = ["municipality"]
    readonly_fields = ["created_by", "created_at"]


class PracticeReviewInline(admin.TabularInline):
    model = PracticeReview
    extra = 0
    readonly_fields = ["old_status", "new_status", "comment", "created_by", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "is_public", "published_at"]
    list_filter = ["status", "is_public", "topics"]
    search_fields = ["title", "summary"]
    filter_horizontal = ["topics", "municipalities"]
    autocomplete_fields = ["contact", "network"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [PracticeLinkInline, PracticeAttachmentInline, AdoptionInline, PracticeReviewInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The search index includes municipality and topic names, saved only now.
        practice_search_index_update(practice_ids=[form.instance.pk])
