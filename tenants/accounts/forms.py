from django import forms
from django.contrib.auth import forms as auth_forms

from tenants.accounts import login_guard


class GuardedAuthenticationForm(auth_forms.AuthenticationForm):
    """The login form of the pages and the admin: refuses while the login is throttled."""

    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": "用户名或密码不正确。",
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        locked = login_guard.locked_message(self.request, username)
        if locked:
            raise forms.ValidationError(locked, code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            login_guard.record_failure(self.request, username)
            raise
        login_guard.record_success(self.request, username)
        return cleaned
