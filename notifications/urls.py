from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("treffen/<int:meeting_id>/", views.meeting_messages, name="meeting_messages"),
    path("nachricht/<int:pk>/", views.message_detail, name="message_detail"),
    path("nachricht/<int:pk>/html/", views.message_html, name="message_html"),
    path("nachricht/<int:pk>/erneut-senden/", views.message_resend, name="message_resend"),
    path("vorschau/", views.preview_list, name="preview_list"),
    path("vorschau/<slug:kind>/<str:language>/", views.preview, name="preview"),
    path("vorschau/<slug:kind>/<str:language>/html/", views.preview_html, name="preview_html"),
    path("postausgang/", views.outbox, name="outbox"),
]
