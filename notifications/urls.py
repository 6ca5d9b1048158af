from django.urls import path, re_path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("postausgang/", views.outbox, name="outbox"),
    # The mail about one object, e.g. /benachrichtigungen/zu/meetings.meeting:12/
    re_path(
        r"^zu/(?P<scope>[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*:\d{1,18})/$",
        views.scope_messages,
        name="scope_messages",
    ),
    path("nachricht/<int:pk>/", views.message_detail, name="message_detail"),
    path("nachricht/<int:pk>/html/", views.message_html, name="message_html"),
    path("nachricht/<int:pk>/erneut-senden/", views.message_resend, name="message_resend"),
    path("vorschau/", views.preview_list, name="preview_list"),
    path("vorschau/<slug:kind>/<str:language>/", views.preview, name="preview"),
    path("vorschau/<slug:kind>/<str:language>/html/", views.preview_html, name="preview_html"),
]
