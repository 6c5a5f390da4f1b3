from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm, UsernameField
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from apps.core.validators import normalize_mobile, normalize_resident_id

FAILED_LOGIN_MESSAGE = "账号或密码不正确。连续输错 5 次将暂停登录 15 分钟。"


class LoginForm(AuthenticationForm):
    # Django's form sets max_length after the field is built, so it is not enforced: declare it.
    username = UsernameField(max_length=150, widget=forms.TextInput(attrs={"autofocus": True}))
    error_messages = {
        "invalid_login": FAILED_LOGIN_MESSAGE,
        "inactive": FAILED_LOGIN_MESSAGE,
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "手机号或用户名"
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "inputmode": "text"})
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        try:
            return normalize_mobile(username)
        except ValidationError:
            return username


class PhoneCodeMixin(forms.Form):
    phone = forms.CharField(label="手机号码", max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    code = forms.CharField(label="短信验证码", max_length=6, required=False,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))

    def clean_phone(self) -> str:
        return normalize_mobile(self.cleaned_data["phone"])


NEW_PASSWORD = forms.PasswordInput(attrs={"autocomplete": "new-password"})


class NewPasswordMixin(PhoneCodeMixin):
    """Code required, the two passwords equal, and the password rules shown next to the field."""

    def clean(self):
        data = super().clean()
        if not data.get("code"):
            self.add_error("code", "请输入短信验证码。")
        password = data.get("password1")
        if password and data.get("password2") and password != data["password2"]:
            self.add_error("password2", "两次输入的密码不一致。")
        elif password:
            from .models import User

            try:
                validate_password(password, User(username=data.get("phone", ""), real_name=data.get("real_name", "")))
            except ValidationError as error:
                self.add_error("password1", error)
        return data


class RegisterForm(NewPasswordMixin):
    real_name = forms.CharField(label="真实姓名", max_length=30)
    password1 = forms.CharField(label="密码", widget=NEW_PASSWORD,
                                help_text="至少 8 位，包含小写字母、大写字母、数字、符号中的至少三类")
    password2 = forms.CharField(label="再次输入密码", widget=NEW_PASSWORD)
    agree = forms.BooleanField(label="我已阅读并同意《用户协议》和《个人信息保护说明》",
                               error_messages={"required": "请阅读并同意用户协议和个人信息保护说明。"})


    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.urls import reverse
        from django.utils.html import format_html

        self.fields["agree"].label = format_html(
            '我已阅读并同意<a href="{}" target="_blank" rel="noopener">《用户协议》</a>'
            '和<a href="{}" target="_blank" rel="noopener">《个人信息保护说明》</a>',
            reverse("core:agreement"), reverse("core:privacy"))


class CloseAccountForm(forms.Form):
    password = forms.CharField(label="登录密码", strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    confirm = forms.BooleanField(label="我已了解：注销后账号无法恢复，上面列出的信息将被删除或匿名化",
                                 error_messages={"required": "请勾选确认后再注销。"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class PasswordResetForm(NewPasswordMixin):
    password1 = forms.CharField(label="新密码", widget=NEW_PASSWORD,
                                help_text="至少 8 位，包含小写字母、大写字母、数字、符号中的至少三类")
    password2 = forms.CharField(label="再次输入新密码", widget=NEW_PASSWORD)


class SendCodeForm(forms.Form):
    phone = forms.CharField(label="手机号码", max_length=20)

    def clean_phone(self) -> str:
        return normalize_mobile(self.cleaned_data["phone"])


class ProfileForm(forms.Form):
    real_name = forms.CharField(label="真实姓名", max_length=30)
    email = forms.EmailField(label="电子邮箱", required=False, help_text="选填，用于接收通知邮件")
    id_number = forms.CharField(
        label="身份证号码", max_length=18, required=False,
        help_text="选填。申请补贴、帮扶时需要；仅加密保存，页面上只显示前四位和后四位。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "保存"))

    def clean_id_number(self) -> str:
        value = self.cleaned_data["id_number"].strip()
        return normalize_resident_id(value) if value else ""
