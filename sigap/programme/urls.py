from django.urls import path

from sigap.programme import views

app_name = "programme"
urlpatterns = [
    path("program/", views.desa_list, name="list"),
    path("program/indikator/", views.indicators_page, name="indicators"),
    path("program/indikator/unduh.csv", views.indicators_csv, name="indicators_csv"),
    path("program/tetapkan/", views.designate, name="designate"),
    path("program/desa/<str:code>/", views.desa_detail, name="desa"),
    path("program/desa/<str:code>/ubah/", views.desa_edit, name="desa_edit"),
    path("program/desa/<str:code>/jaringan/<int:pk>/", views.contact_edit, name="contact"),
    path("program/kegiatan/<int:pk>/", views.activity_detail, name="activity"),
    path("program/kegiatan/<int:pk>/foto/<int:photo_pk>/", views.activity_photo, name="photo"),
    # Public, no account: the test's QR code points here; the FAQ lists published answers.
    path("tes/<str:code>/", views.quiz, name="quiz"),
    path("tes/<str:code>/selesai/", views.quiz_done, name="quiz_done"),
    path("tanya-jawab/", views.faq, name="faq"),
]
