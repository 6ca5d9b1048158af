from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportModelAdmin

from members import services
from members.models import (
    District,
    Municipality,
    Network,
    NetworkMembership,
    PortalInvitation,
    Representative,
    User,
)
from members.resources import MunicipalityResource, RepresentativeResource


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

    # Deleting in the admin does what "delete my account" does: the person's representative
    # rows are anonymised rather than left with their name and contact data.
    def delete_model(self, request, obj):
        services.account_delete(user=obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            services.account_delete(user=user)


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
    show_change_link = True


class MunicipalityMembershipInline(admin.TabularInline):
    model = NetworkMembership
    extra = 0
    fields = ["network", "role", "starts_on", "ends_on"]


@admin.register(Municipality)
class MunicipalityAdmin(ImportExportModelAdmin):
    resource_classes = [MunicipalityResource]
    list_display = ["name", "ags", "kind", "district", "population", "is_active"]
    list_filter = ["district", "kind", "network_memberships__network", "is_active"]
    list_select_related = ["district"]
    search_fields = ["name", "ags"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [RepresentativeInline, MunicipalityMembershipInline]


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


@admin.register(NetworkMembership)
class NetworkMembershipAdmin(admin.ModelAdmin):
    list_display = ["municipality", "network", "role", "starts_on", "ends_on"]
    list_filter = ["network", "role", "municipality__district"]
    list_select_related = ["municipality", "network"]
    search_fields = ["municipality__name", "municipality__ags", "network__name"]
    autocomplete_fields = ["municipality"]


@admin.register(Representative)
class RepresentativeAdmin(ImportExportModelAdmin):
    resource_classes = [RepresentativeResource]
    list_display = [
        "last_name",
        "first_name",
        "municipality",
        "function",
        "email",
        "is_main_contact",
        "starts_on",
        "ends_on",
        "has_account",
    ]
    list_filter = [
        "function",
        "municipality__district",
        "municipality__network_memberships__network",
        "is_main_contact",
        "municipality__is_active",
    ]
    list_select_related = ["municipality"]
    search_fields = ["first_name", "last_name", "email", "municipality__name", "municipality__ags"]
    autocomplete_fields = ["municipality", "user"]
    # Being listed by name in the open data interface is the person's own consent.
    readonly_fields = ["listed_in_open_data"]
    actions = ["invite_selected"]

    @admin.display(boolean=True, description=_("account"), ordering="user")
    def has_account(self, obj):
        return obj.user_id is not None

    @admin.action(description=_("Invite selected representatives to the portal"))
    def invite_selected(self, request, queryset):
        invited = 0
        for representative in queryset.select_related("municipality"):
            try:
                services.portal_invitation_create(
                    representative=representative, invited_by=request.user
                )
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.WARNING)
            else:
                invited += 1
        if invited:
            self.message_user(
                request,
                ngettext(
                    "%(count)d invitation is being sent.",
                    "%(count)d invitations are being sent.",
                    invited,
                )
                % {"count": invited},
                messages.SUCCESS,
            )


@admin.register(PortalInvitation)
class PortalInvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "representative", "created_at", "sent_at", "used_at", "expires_at"]
    list_filter = ["representative__municipality__district"]
    list_select_related = ["representative__municipality"]
    search_fields = ["email", "representative__last_name", "representative__municipality__name"]
    readonly_fields = [
        "representative",
        "email",
        "created_at",
        "expires_at",
        "sent_at",
        "used_at",
        "revoked_at",
        "invited_by",
    ]

    def has_add_permission(self, request):
        # Invitations come from the "invite" action or the member page, never by hand.
        return False
