from django.urls import path

from sigap.persons import views

app_name = "persons"
urlpatterns = [
    path("kasus/<int:pk>/orang/", views.case_persons, name="case"),
    path("kasus/<int:pk>/orang/tambah/", views.person_add, name="add"),
    path("kasus/<int:pk>/skrining/", views.screening, name="screening"),
    path("orang/<int:pk>/ubah/", views.person_edit, name="edit"),
    path("orang/<int:pk>/identitas/", views.person_identifiers, name="identifiers"),
    path("orang/telepon/", views.phone_lookup, name="phone"),
]
