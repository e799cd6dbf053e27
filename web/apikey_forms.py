"""The form of the API key pages: it shapes what was typed; the rules are tenants.apikeys.services'."""
from django import forms

from tenants.apikeys.models import DEFAULT_RATE_LIMIT
from tenants.apikeys.scopes import LEVELS, READ_ONLY_AREAS, WRITE, areas_for, scope
from web.forms import PageForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ApiKeyForm(PageForm):
    name = forms.CharField(label="名称（如：人事系统）", required=False)
    expires_at = forms.DateField(label="有效期至（当天 23:59 失效）", required=False, widget=DATE,
                                 error_messages={"invalid": "请填写有效的日期。"})
    rate_limit = forms.IntegerField(label="每分钟请求上限", required=False, initial=DEFAULT_RATE_LIMIT,
                                    error_messages={"invalid": "请填写整数。"})

    def __init__(self, *args, host: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.areas = areas_for(host)
        for area in self.areas:
            levels = [(level, label) for level, label in LEVELS.items()
                      if not (level == WRITE and area.code in READ_ONLY_AREAS)]
            self.fields[f"scope_{area.code}"] = forms.ChoiceField(
                label=area.label, help_text=area.help, required=False, choices=[("", "无"), *levels])

    def scopes(self) -> list[str]:
        return [scope(area.code, self.cleaned_data[f"scope_{area.code}"]) for area in self.areas
                if self.cleaned_data.get(f"scope_{area.code}")]


class RevokeForm(PageForm):
    reason = forms.CharField(label="原因", required=False)
