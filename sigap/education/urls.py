from django.urls import path

from sigap.education import views

app_name = "education"
urlpatterns = [
    path("belajar/", views.page, {"slug": "index"}, name="index"),
    path("belajar/tppo/", views.page, {"slug": "tppo"}, name="tppo"),
    path("belajar/tppm/", views.page, {"slug": "tppm"}, name="tppm"),
    path("belajar/modus/", views.page, {"slug": "modus"}, name="modus"),
    path("belajar/kerja-ke-luar-negeri/", views.page, {"slug": "procedure"}, name="procedure"),
    path("belajar/apa-yang-harus-dilakukan/", views.page, {"slug": "what_to_do"}, name="what_to_do"),
    path("belajar/buku-saku.pdf", views.booklet, name="booklet"),
    path("cek-tawaran/", views.check, name="check"),
]
