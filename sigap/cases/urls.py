from django.urls import path

from sigap.cases import views

app_name = "cases"
urlpatterns = [
    path("sinyal/", views.inbox, name="inbox"),
    path("sinyal/<int:pk>/", views.signal_detail, name="signal"),
    path("sinyal/<int:pk>/lampiran/<int:attachment_pk>/", views.signal_attachment, name="attachment"),
    path("kasus/", views.case_index, name="list"),
    path("kasus/<int:pk>/", views.case_detail, name="detail"),
]
