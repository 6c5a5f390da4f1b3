from django.urls import path

from . import views
from .two_factor import views as two_factor_views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("register/", views.register, name="register"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path("code/<str:purpose>/", views.send_code, name="send_code"),
    path("profile/", views.profile, name="profile"),
    path("close/", views.close_account, name="close_account"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("two-factor/", two_factor_views.overview, name="two_factor"),
    path("two-factor/setup/", two_factor_views.setup, name="two_factor_setup"),
    path("two-factor/verify/", two_factor_views.verify, name="two_factor_verify"),
    path("two-factor/recovery-codes/", two_factor_views.recovery_codes, name="two_factor_recovery_codes"),
    path("two-factor/reset/<int:user_id>/", two_factor_views.reset, name="two_factor_reset"),
]
