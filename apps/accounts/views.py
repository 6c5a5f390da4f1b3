from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from apps.core.forms import add_service_errors
from apps.core.redirects import SafeNextMixin
from apps.core.validators import mask_mobile

from . import services
from .forms import (
    FAILED_LOGIN_MESSAGE,
    CloseAccountForm,
    LoginForm,
    PasswordResetForm,
    ProfileForm,
    RegisterForm,
    SendCodeForm,
)
from .models import SmsVerification


@method_decorator(login_not_required, name="dispatch")
class LoginView(SafeNextMixin, auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        # A safe ``next`` (checked by LoginView.get_redirect_url) wins; otherwise land by role.
        from apps.core.registry import landing_url_for

        return landing_url_for(self.request.user)


class LogoutView(SafeNextMixin, auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"

    def get_success_url(self):
        messages.success(self.request, "密码已修改。")
        return reverse("accounts:profile")


def lockout(request, credentials, *args, **kwargs):
    """A locked account or address sees exactly what any other failed login sees.

    The form is not validated again: that would try to authenticate while locked.
    """
    form = LoginForm(request, initial={"username": request.POST.get("username", "")})
    return render(request, "accounts/login.html", {"form": form, "login_error": FAILED_LOGIN_MESSAGE})


@login_not_required
@require_POST
def send_code(request, purpose: str):
    """Step one of registration and password reset: send a code to the phone number."""
    if purpose not in SmsVerification.Purpose.values:
        return redirect("accounts:login")
    target = "accounts:register" if purpose == SmsVerification.Purpose.REGISTER else "accounts:password_reset"
    form = SendCodeForm(request.POST)
    if form.is_valid():
        try:
            services.sms_code_send(phone=form.cleaned_data["phone"], purpose=purpose)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            request.session[f"{purpose}_phone"] = form.cleaned_data["phone"]
            messages.success(request, f"验证码已发送至 {mask_mobile(form.cleaned_data['phone'])}，10 分钟内有效。")
            return redirect(target)
    is_register = purpose == SmsVerification.Purpose.REGISTER
    template = "accounts/register.html" if is_register else "accounts/password_reset.html"
    return render(request, template, {"code_form": form, "phone": None})


def _phone_step(request, purpose: str, form_class, complete):
    phone = request.session.get(f"{purpose}_phone")
    if phone is None or request.GET.get("change"):
        request.session.pop(f"{purpose}_phone", None)
        return None, SendCodeForm(), None
    form = form_class(request.POST or None, initial={"phone": phone})
    if request.method == "POST":
        data = request.POST.copy()
        data["phone"] = phone
        form = form_class(data)
        if form.is_valid():
            try:
                return complete(form.cleaned_data), None, None
            except ValidationError as error:
                form.add_error(None, error)
    return None, None, form


@login_not_required
def register(request):
    if request.user.is_authenticated:
        return redirect("core:me")

    def complete(data):
        return services.user_register(
            phone=data["phone"], code=data["code"], real_name=data["real_name"], password=data["password1"]
        )

    user, code_form, form = _phone_step(request, SmsVerification.Purpose.REGISTER, RegisterForm, complete)
    if user is not None:
        request.session.pop("register_phone", None)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"注册成功，欢迎您，{user.real_name}！")
        return redirect("core:me")
    phone = request.session.get("register_phone")
    return render(request, "accounts/register.html", {"code_form": code_form, "form": form, "phone": phone})


@login_not_required
def password_reset(request):
    def complete(data):
        return services.user_reset_password(phone=data["phone"], code=data["code"], password=data["password1"])

    user, code_form, form = _phone_step(request, SmsVerification.Purpose.RESET, PasswordResetForm, complete)
    if user is not None:
        request.session.pop("reset_phone", None)
        messages.success(request, "密码已重设，请用新密码登录。")
        return redirect("accounts:login")
    phone = request.session.get("reset_phone")
    return render(request, "accounts/password_reset.html", {"code_form": code_form, "form": form, "phone": phone})


def close_account(request):
    """Anyone signed in closes their own account, after entering their password."""
    form = CloseAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            notes = services.user_close_account(user=request.user, password=form.cleaned_data["password"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            logout(request)
            return render(request, "accounts/closed.html", {"notes": notes})
    return render(request, "accounts/close_account.html", {"form": form})


def profile(request):
    user = request.user
    form = ProfileForm(request.POST or None, initial={"real_name": user.real_name, "email": user.email})
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update_profile(user=user, real_name=form.cleaned_data["real_name"],
                                         email=form.cleaned_data["email"], id_number=form.cleaned_data["id_number"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "个人信息已保存。")
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})
