from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("register/", views.register, name="register"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path("code/<str:purpose>/", views.send_code, name="send_code"),
    path("profile/", views.profile, name="profile"),
    path("close/", views.close_account, name="close_account"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
]
