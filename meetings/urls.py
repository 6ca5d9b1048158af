from django.urls import path

from meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("neu/", views.meeting_create, name="create"),
    path("teilnahme/", views.participation, name="participation"),
    path("kalender/", views.calendar_feed, name="calendar_feed"),
    path("aufgaben/", views.action_item_list, name="action_item_list"),
    path("reihen/", views.series_list, name="series_list"),
    path("reihen/neu/", views.series_edit, name="series_create"),
    path("reihen/<int:pk>/", views.series_edit, name="series_edit"),
    path("aufgaben/export.csv", views.action_item_export, name="action_item_export"),
    path("kalender/<slug:token>.ics", views.calendar_feed_ics, name="feed"),
    path("antwort/<str:token>/", views.respond_by_link, name="respond_by_link"),
    path("einladung/<int:pk>/antworten/", views.invitation_respond, name="respond"),
    path("einladung/<int:pk>/vertretung/", views.invitation_substitute, name="substitute"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/drucken/", views.meeting_print, name="print"),
    path("<int:pk>/kalender.ics", views.meeting_ics_download, name="ics"),
    path("<int:pk>/bearbeiten/", views.meeting_edit, name="edit"),
    path("<int:pk>/naechstes-treffen/", views.meeting_copy, name="copy"),
    path("<int:pk>/aktualisierung/", views.meeting_update_send, name="update_send"),
    path("<int:pk>/absagen/", views.meeting_cancel, name="cancel"),
    path("<int:pk>/tagesordnung/", views.agenda, name="agenda"),
    path("<int:pk>/tagesordnung/<int:item_pk>/", views.agenda_item_edit, name="agenda_item_edit"),
    path(
        "<int:pk>/tagesordnung/<int:item_pk>/entfernen/",
        views.agenda_item_delete,
        name="agenda_item_delete",
    ),
    path(
        "<int:pk>/tagesordnung/<int:item_pk>/verschieben/",
        views.agenda_item_move,
        name="agenda_item_move",
    ),
    path("<int:pk>/einladen/", views.audience, name="audience"),
    path("<int:pk>/rueckmeldungen/", views.responses, name="responses"),
    path(
        "<int:pk>/rueckmeldungen/export.<str:file_format>",
        views.responses_export,
        name="responses_export",
    ),
    path("<int:pk>/erinnern/", views.remind_open, name="remind_open"),
    path("<int:pk>/teilnahme/", views.attendance, name="attendance"),
    path("<int:pk>/protokoll/", views.minutes_edit, name="minutes"),
    path("<int:pk>/dokumente/", views.documents, name="documents"),
    path("<int:pk>/dokumente/<int:document_pk>/", views.document_download, name="document"),
    path(
        "<int:pk>/dokumente/<int:document_pk>/entfernen/",
        views.document_delete,
        name="document_delete",
    ),
    path("<int:pk>/aufgaben/", views.action_items, name="action_items"),
    path("<int:pk>/aufgaben/<int:item_pk>/", views.action_item_edit, name="action_item_edit"),
    path(
        "<int:pk>/aufgaben/<int:item_pk>/status/",
        views.action_item_status,
        name="action_item_status",
    ),
]
