from django.urls import path

from sigap.referrals import views

app_name = "referrals"
urlpatterns = [
    path("kasus/<int:pk>/rujukan/", views.case_referrals, name="case"),
    path("rujukan/", views.inbox, name="inbox"),
    path("rujukan/<int:pk>/", views.detail, name="detail"),
]
