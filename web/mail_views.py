"""邮件提醒: a person's own e-mail preferences, on every host (`/mail-preferences/`)."""
from __future__ import annotations

from django import forms
from django.conf import settings
from django.shortcuts import redirect

from tenants.mail.models import Delivery
from tenants.mail.services import preference_of, preference_update
from web.base import ProvincePage, SchoolPage, error_page
from web.forms import PageForm


class MailPreferenceForm(PageForm):
    todo = forms.BooleanField(label="待办事项（如提案交办、待审核的推荐）", required=False)
    reminder = forms.BooleanField(label="逾期提醒（如督办、逾期未完成的任务）", required=False)
    result = forms.BooleanField(label="办理结果（如提案答复、申请的审核结果）", required=False)
    delivery = forms.ChoiceField(label="发送方式", choices=Delivery.choices, widget=forms.RadioSelect,
                                 error_messages={"required": "请选择发送方式。",
                                                 "invalid_choice": "请选择“即时发送”或“每日汇总”。"})


class _MailPreferences:
    template_name = "web/mail/preferences.html"
    title = "邮件提醒"
    roles = frozenset()  # every signed-in person of the host, for their own settings only

    def _render(self, form):
        return self.render_page(form=form, email=self.request.user.email, mail_enabled=settings.MAIL_ENABLED)

    def get(self, request):
        preference = preference_of(request.user)
        return self._render(MailPreferenceForm(initial={
            "todo": preference.todo, "reminder": preference.reminder, "result": preference.result,
            "delivery": preference.delivery}))

    def post(self, request):
        form = MailPreferenceForm(request.POST)
        if form.is_valid() and self.call_service(
                lambda: preference_update(user=request.user, by=request.user, **form.cleaned_data),
                form=form, success="邮件提醒设置已保存。"):
            return redirect(request.path)
        return self._render(form)


class SchoolMailPreferences(_MailPreferences, SchoolPage):
    pass


class ProvinceMailPreferences(_MailPreferences, ProvincePage):
    pass


def mail_preferences(request):
    for page in (SchoolMailPreferences, ProvinceMailPreferences):
        if page().host_matches(request):
            return page.as_view()(request)
    return error_page(request, 404)
