from django.contrib import admin
from django.urls import include, path

from sigap.api import api

handler403 = "sigap.core.views.permission_denied"
handler404 = "sigap.core.views.page_not_found"

urlpatterns = [
    path("", include("sigap.core.urls")),
    path("", include("sigap.intake.urls")),
    path("", include("sigap.education.urls")),
    path("", include("sigap.cases.urls")),
    path("", include("sigap.persons.urls")),
    path("ekspor/", include("sigap.exports.urls")),
    path("", include("sigap.referrals.urls")),
    path("", include("sigap.programme.urls")),
    path("wilayah/", include("sigap.regions.urls")),
    path("organisasi/", include("sigap.organisations.urls")),
    path("akun/", include("sigap.accounts.urls")),
    path("audit/", include("sigap.audit.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
