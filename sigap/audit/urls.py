from django.urls import path

from sigap.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.audit_index, name="list"),
    path("<int:pk>/", views.audit_detail, name="detail"),
]
