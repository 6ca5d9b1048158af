from django.urls import path

from practices import feeds, views

app_name = "practices"

urlpatterns = [
    path("", views.practice_list, name="list"),
    path("export.csv", views.practice_export, name="export"),
    path("feed/", feeds.PublishedPracticesFeed(), name="feed"),
    path("abo/", views.search_subscribe, name="subscribe"),
    path("abo/<str:token>/abbestellen/", views.search_unsubscribe, name="unsubscribe"),
    path("neu/", views.practice_create, name="create"),
    path(
        "aus-tagesordnungspunkt/<int:agenda_item_pk>/",
        views.practice_create_from_agenda_item,
        name="create_from_agenda_item",
    ),
    path("<slug:slug>/", views.practice_detail, name="detail"),
    path("<slug:slug>/dateien/<int:pk>/", views.practice_attachment, name="attachment"),
    path("<slug:slug>/bearbeiten/", views.practice_edit, name="edit"),
    path("<slug:slug>/einreichen/", views.practice_submit, name="submit"),
    path("<slug:slug>/pruefen/", views.practice_review, name="review"),
    path("<slug:slug>/uebernehmen/", views.adoption_create, name="adopt"),
]
