from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.static import serve

from roundtable import views

admin.site.site_header = _("Round table administration")
admin.site.site_title = _("Round table")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("readyz", views.readyz, name="readyz"),
    path("seite/<slug:kind>/", views.legal_page, name="legal_page"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("konto/", include("allauth.urls")),
    path("mitglieder/", include("members.urls")),
    path("treffen/", include("meetings.urls")),
    path("praxisbeispiele/", include("practices.urls")),
    path("benachrichtigungen/", include("notifications.urls")),
    path("admin/", admin.site.urls),
    path("oparl/v1.1/", include("oparl.urls")),
]

if settings.BENCHMARK_ENDPOINTS:
    urlpatterns += [path("bench/bare", views.bench_bare, name="bench_bare")]

if settings.DEBUG:
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]

handler403 = "roundtable.views.error_403"
handler404 = "roundtable.views.error_404"
handler500 = "roundtable.views.error_500"
