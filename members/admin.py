from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from members.models import District, Municipality, Network, NetworkMembership, Representative, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "language")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "ags_prefix", "seat"]
    search_fields = ["name", "ags_prefix"]


class RepresentativeInline(admin.TabularInline):
    model = Representative
    extra = 0
    fields = [
        "first_name",
        "last_name",
        "function",
        "email",
        "is_main_contact",
        "starts_on",
        "ends_on",
    ]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "ags", "kind", "district", "population", "is_active"]
    list_filter = ["district", "kind", "is_active"]
    list_select_related = ["district"]
    search_fields = ["name", "ags"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [RepresentativeInline]


class NetworkMembershipInline(admin.TabularInline):
    model = NetworkMembership
    extra = 0
    autocomplete_fields = ["municipality"]


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["name", "funding_note", "starts_on", "ends_on"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [NetworkMembershipInline]


@admin.register(Representative)
class RepresentativeAdmin(admin.ModelAdmin):
    list_display = [
        "last_name",
        "first_name",
        "municipality",
        "function",
        "email",
        "is_main_contact",
    ]
    list_filter = ["function", "municipality__district", "is_main_contact"]
    list_select_related = ["municipality"]
    search_fields = ["first_name", "last_name", "email", "municipality__name", "municipality__ags"]
    autocomplete_fields = ["municipality", "user"]
