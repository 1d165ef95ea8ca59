from django.urls import path

from sigap.accounts import views

app_name = "accounts"
urlpatterns = [
    path("masuk/", views.login_view, name="login"),
    path("keluar/", views.logout_view, name="logout"),
    path("2fa/", views.two_factor, name="2fa"),
    path("saya/", views.profile, name="profile"),
    path("", views.account_list, name="list"),
    path("<int:pk>/", views.account_detail, name="detail"),
]
