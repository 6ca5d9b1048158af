from django.contrib import admin

from roundtable.models import LegalPage


@admin.register(LegalPage)
class LegalPageAdmin(admin.ModelAdmin):
    list_display = ["kind", "language", "title", "updated_at"]
    list_filter = ["kind", "language"]
