from django.urls import path
from django.views.generic import RedirectView

from members import views

app_name = "members"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("kommune/<slug:slug>/", views.municipality_detail, name="municipality_detail"),
    path("netzwerk/<slug:slug>/", views.network_detail, name="network_detail"),
    # The overview moved to the meetings it counts; old bookmarks still arrive.
    path(
        "teilnahme/",
        RedirectView.as_view(pattern_name="meetings:participation", permanent=True),
        name="participation",
    ),
    path("profil/", views.profile, name="profile"),
    path("profil/daten/", views.data_export, name="data_export"),
    path("profil/loeschen/", views.account_delete, name="account_delete"),
    path(
        "vertretung/<int:pk>/einladen/", views.representative_invite, name="representative_invite"
    ),
    path("einladung/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
