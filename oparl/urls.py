from django.urls import path

from oparl import views

app_name = "oparl"

# Addresses are built from primary keys only, so they never change (spec 2.3).
urlpatterns = [
    path("", views.system, name="system"),
    path("body", views.body_list, name="body_list"),
    path("body/<int:pk>", views.body, name="body"),
    path("body/<int:pk>/<str:name>", views.body_object_list, name="list"),
    path("organization/<str:kind>/<int:pk>", views.organization, name="organization"),
    path(
        "organization/<str:kind>/<int:pk>/meeting",
        views.organization_meetings,
        name="organization_meetings",
    ),
    path("person/<int:pk>", views.person, name="person"),
    path("membership/<int:pk>", views.membership, name="membership"),
    path("meeting/<int:pk>", views.meeting, name="meeting"),
    path("agendaitem/<int:pk>", views.agenda_item, name="agendaitem"),
    path("consultation/<int:pk>", views.consultation, name="consultation"),
    path("paper/<int:pk>", views.paper, name="paper"),
    path("location/<int:pk>", views.location, name="location"),
    path("legislativeterm/<int:pk>", views.legislative_term, name="legislativeterm"),
    path("file/<str:kind>/<int:pk>", views.file, name="file"),
    path("file/<str:kind>/<int:pk>/access", views.file_access, name="file_access"),
    path("file/<str:kind>/<int:pk>/download", views.file_download, name="file_download"),
    path("<path:rest>", views.not_found, name="not_found"),
]
