from __future__ import annotations

from django import forms


class CodeInput(forms.TextInput):
    """A one-time code is never written back into the page, right or wrong."""

    def format_value(self, value):
        return None


class CodeForm(forms.Form):
    """One field: the six digits of the authenticator (or, when signing in, a recovery code)."""

    code = forms.CharField(
        label="验证码", max_length=20,
        error_messages={"required": "请输入验证码。", "max_length": "验证码最多 20 个字符。"},
        widget=CodeInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "autofocus": True, "spellcheck": "false", "autocapitalize": "off"}),
    )

    def __init__(self, *args, recovery_allowed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if recovery_allowed:
            self.fields["code"].help_text = ("打开手机上的身份验证器，输入当前显示的 6 位数字；"
                                             "手机不在身边时可输入一个恢复码。")
            self.fields["code"].widget.attrs["inputmode"] = "text"
        else:
            self.fields["code"].help_text = "绑定后，身份验证器上显示的 6 位数字（每 30 秒更新）。"
