from django.urls import path

from sigap.organisations import views

app_name = "organisations"
urlpatterns = [
    path("", views.organisation_index, name="list"),
    path("<int:pk>/", views.organisation_detail, name="detail"),
]
