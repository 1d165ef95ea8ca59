from django.urls import path

from sigap.intake import views

app_name = "intake"
urlpatterns = [
    path("lapor/", views.report_form, name="report"),
    path("lapor/terima/", views.receipt, name="receipt"),
    path("lapor/status/", views.status, name="status"),
    path("lapor/status/lihat/", views.status_view, name="status_view"),
    path("d/<str:desa_code>/", views.report_form, name="desa"),
    path("d/<str:desa_code>/poster.pdf", views.desa_poster, name="poster"),
]
