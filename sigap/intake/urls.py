from django.urls import path

from sigap.intake import views, webhooks

app_name = "intake"
urlpatterns = [
    path("lapor/", views.report_form, name="report"),
    path("lapor/terima/", views.receipt, name="receipt"),
    path("lapor/status/", views.status, name="status"),
    path("lapor/status/lihat/", views.status_view, name="status_view"),
    path("lapangan/", views.field_form, name="field"),
    path("lapangan/sw.js", views.field_service_worker, name="field_sw"),
    path("lapangan/manifest.webmanifest", views.field_manifest, name="field_manifest"),
    path("lapangan/token/", views.field_token, name="field_token"),
    path("d/<str:desa_code>/", views.report_form, name="desa"),
    path("d/<str:desa_code>/poster.pdf", views.desa_poster, name="poster"),
    path("webhooks/whatsapp/", webhooks.whatsapp, name="whatsapp"),
    path("webhooks/sms/", webhooks.sms, name="sms"),
    path("webhooks/sms/twilio/", webhooks.sms_twilio, name="sms_twilio"),
]
