from django.urls import path

from sigap.exports import views

app_name = "exports"
urlpatterns = [
    path("", views.index, name="index"),
    path("sinyal.csv", views.signals_csv, name="signals_csv"),
    path("sinyal.xlsx", views.signals_xlsx, name="signals_xlsx"),
    path("kasus.csv", views.cases_csv, name="cases_csv"),
    path("kasus.xlsx", views.cases_xlsx, name="cases_xlsx"),
    path("htcds.json", views.htcds_json, name="htcds_json"),
    path("htcds.csv", views.htcds_csv, name="htcds_csv"),
]
