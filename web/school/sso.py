"""统一身份认证 on a school's host: the sign-in through the campus IdP, its callbacks, the
入会申请 of an unknown identity (when the school chose that) and the union office's settings page.

Every flow is bound to the session of the host it started on: the OIDC state, nonce and PKCE
verifier, and the CAS service URL (which carries a state too), live in that host's session table —
sessions are per schema and cookies host-only — and are consumed by the first callback, so a
callback, ticket or state from school A's flow finds nothing on school B's host, and a replay
finds nothing anywhere.
"""
from __future__ import annotations

import time

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme

from tenants.members.models import Branch, EmploymentType, Gender
from tenants.sso import protocols
from tenants.sso.models import SsoSettings
from tenants.sso.protocols import Identity, SsoRefused
from tenants.sso.selectors import sso_settings
from tenants.sso.services import UnknownIdentity, audit_refusal, client_secret_of, sso_apply, sso_settings_update, \
    sso_sign_in
from web.base import SchoolPage
from web.forms import PageForm

FLOW_KEY = "sso_flow"
PENDING_KEY = "sso_pending_identity"
SIGNING_IN = "统一身份认证登录对任何人开放（登录本身就是它的用途）。"
UNKNOWN = "未在本校找到与统一身份认证账号“{who}”对应的会员，无法登录。如您是本校教职工，请联系校工会。"


def callback_urls(request) -> dict[str, str]:
    return {"cas": request.build_absolute_uri(reverse("school:sso-cas")),
            "oidc": request.build_absolute_uri(reverse("school:sso-oidc"))}


def _safe_next(request, value: str) -> str:
    if value and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()},
                                                 require_https=request.is_secure()):
        return value
    return "/"


class SsoStart(SchoolPage):
    """`/sso/`: send the browser to this school's campus IdP."""

    open_to_anyone = SIGNING_IN
    template_name = "web/sso/refused.html"
    title = "统一身份认证登录"

    def get(self, request):
        conf = sso_settings()
        if not conf.enabled:
            return self.render_page(message="本校尚未启用统一身份认证，请使用账号密码登录。")
        flow = {"protocol": conf.protocol, "next": _safe_next(request, request.GET.get("next", "")),
                "started": time.time()}
        try:
            if conf.protocol == SsoSettings.Protocol.OIDC:
                url, secrets = protocols.oidc_start(conf, redirect_uri=callback_urls(request)["oidc"])
                flow.update(secrets)
            else:
                flow["state"] = protocols.generate_token(32)
                url = protocols.cas_login_url(conf, self.cas_service(request, flow["state"]))
        except SsoRefused as refused:
            return self.render_page(message=refused.message)
        request.session[FLOW_KEY] = flow
        return redirect(url)

    @staticmethod
    def cas_service(request, state: str) -> str:
        return f"{callback_urls(request)['cas']}?state={state}"


class _Callback(SchoolPage):
    open_to_anyone = SIGNING_IN
    template_name = "web/sso/refused.html"
    title = "统一身份认证登录"
    protocol_names: tuple[str, ...] = ()

    def refuse(self, request, refused: SsoRefused, identity: Identity | None = None):
        audit_refusal(protocol=self.label, code=refused.code, message=refused.message, identity=identity,
                      host=request.get_host())
        response = self.render_page(message=refused.message)
        response.status_code = 403
        return response

    def take_flow(self, request) -> dict:
        """The flow this browser started on this host, consumed now (a second callback finds none)."""
        flow = request.session.pop(FLOW_KEY, None)
        state = request.GET.get("state", "")
        if not flow or flow.get("protocol") not in self.protocol_names or not state \
                or flow.get("state") != state:
            raise SsoRefused("登录请求已失效或不是从本站发起的，请重新点击“统一身份认证登录”。", "state_mismatch")
        if time.time() - flow.get("started", 0) > protocols.FLOW_SECONDS:
            raise SsoRefused("登录等待时间过长，请重新登录。", "state_expired")
        return flow

    def finish(self, request, conf: SsoSettings, identity: Identity, flow: dict):
        try:
            user, created = sso_sign_in(identity=identity)
        except SsoRefused as refused:
            return self.refuse(request, refused, identity)
        except UnknownIdentity:
            if conf.unknown_identity == SsoSettings.Unknown.APPLY and identity.employee_number:
                request.session[PENDING_KEY] = {"username": identity.username, "name": identity.name,
                                                "employee_number": identity.employee_number,
                                                "subject": identity.subject, "at": time.time()}
                return redirect("school:sso-apply")
            return self.refuse(request, SsoRefused(UNKNOWN.format(who=identity.username or identity.subject),
                                                   "unknown_identity"), identity)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        if created:
            messages.success(request, "欢迎！已用统一身份认证为您开通本校会员账号。")
        return redirect(flow.get("next") or "/")

    @property
    def label(self) -> str:
        return "/".join(self.protocol_names)


class CasCallback(_Callback):
    protocol_names = (SsoSettings.Protocol.CAS2, SsoSettings.Protocol.CAS3)

    def get(self, request):
        conf = sso_settings()
        try:
            flow = self.take_flow(request)
            if conf.protocol not in self.protocol_names:
                raise SsoRefused("本校未启用 CAS 统一身份认证。", "protocol_off")
            identity = protocols.cas_verify(conf, service_url=SsoStart.cas_service(request, flow["state"]),
                                            ticket=request.GET.get("ticket", ""))
        except SsoRefused as refused:
            return self.refuse(request, refused)
        return self.finish(request, conf, identity, flow)


class OidcCallback(_Callback):
    protocol_names = (SsoSettings.Protocol.OIDC,)

    def get(self, request):
        conf = sso_settings()
        try:
            flow = self.take_flow(request)
            if conf.protocol not in self.protocol_names:
                raise SsoRefused("本校未启用 OpenID Connect 统一身份认证。", "protocol_off")
            if request.GET.get("error"):
                raise SsoRefused("学校统一身份认证未完成登录（已取消或被拒绝）。", "oidc_error")
            identity = protocols.oidc_finish(conf, client_secret_of(conf), redirect_uri=callback_urls(request)["oidc"],
                                             code=request.GET.get("code", ""), flow=flow)
        except SsoRefused as refused:
            return self.refuse(request, refused)
        return self.finish(request, conf, identity, flow)


class ApplyForm(PageForm):
    name = forms.CharField(label="姓名", required=False, disabled=True)
    employee_number = forms.CharField(label="工号", required=False, disabled=True)
    gender = forms.ChoiceField(label="性别", required=False, choices=[("", "请选择")] + list(Gender.choices))
    branch = forms.ModelChoiceField(label="分工会", queryset=Branch.objects.none(), required=False,
                                    error_messages={"invalid_choice": "请选择分工会。"})
    employment_type = forms.ChoiceField(label="用工类型", required=False,
                                        choices=[("", "请选择")] + list(EmploymentType.choices))
    phone = forms.CharField(label="手机号", required=False)
    statement = forms.CharField(label="申请说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = Branch.objects.filter(is_active=True)


class SsoApply(SchoolPage):
    """An unknown but verified campus identity asks to join (only when the school chose 转为入会申请)."""

    open_to_anyone = "统一身份认证已验证、但本校尚无其会员记录的人在此提交入会申请。"
    template_name = "web/sso/apply.html"
    title = "申请加入工会"

    def pending(self, request) -> Identity | None:
        data = request.session.get(PENDING_KEY)
        if not data or time.time() - data.get("at", 0) > protocols.FLOW_SECONDS \
                or sso_settings().unknown_identity != SsoSettings.Unknown.APPLY:
            return None
        return Identity(username=data["username"], employee_number=data["employee_number"], name=data["name"],
                        subject=data["subject"])

    def form(self, request, identity):
        return ApplyForm(request.POST or None, initial={"name": identity.name,
                                                        "employee_number": identity.employee_number})

    def get(self, request):
        identity = self.pending(request)
        if identity is None:
            return redirect("web:login")
        return self.render_page(form=self.form(request, identity))

    def post(self, request):
        identity = self.pending(request)
        if identity is None:
            return redirect("web:login")
        form = self.form(request, identity)
        if form.is_valid():
            data = form.cleaned_data
            done = self.call_service(lambda: sso_apply(
                identity=identity, branch=data["branch"], gender=data["gender"],
                employment_type=data["employment_type"], phone=data["phone"], statement=data["statement"]),
                form=form)
            if done:
                request.session.pop(PENDING_KEY, None)
                return self.render_page(submitted=True)
        return self.render_page(form=form)


class SettingsForm(PageForm):
    protocol = forms.ChoiceField(label="协议", required=False, choices=SsoSettings.Protocol.choices)
    button_label = forms.CharField(label="登录按钮文字", required=False)
    cas_server_url = forms.CharField(label="CAS 服务器地址", required=False,
                                     help_text="如 https://cas.example.edu.cn/cas/（使用 CAS 时填写）")
    oidc_issuer = forms.CharField(label="OIDC 签发者（Issuer）", required=False,
                                  help_text="其下 /.well-known/openid-configuration 为发现文档")
    oidc_client_id = forms.CharField(label="OIDC 客户端 ID", required=False)
    client_secret = forms.CharField(label="OIDC 客户端密钥", required=False,
                                    widget=forms.PasswordInput(render_value=False),
                                    help_text="加密保存，不再显示；留空则保留原密钥。")
    oidc_scopes = forms.CharField(label="OIDC 范围", required=False)
    match_by = forms.ChoiceField(label="对应本校账号的方式", required=False, choices=SsoSettings.MatchBy.choices)
    username_attribute = forms.CharField(label="用户名属性", required=False,
                                         help_text="留空：CAS 取登录名，OIDC 取 preferred_username")
    employee_number_attribute = forms.CharField(label="工号属性", required=False,
                                                help_text="留空则用户名即工号")
    name_attribute = forms.CharField(label="姓名属性", required=False)
    unknown_identity = forms.ChoiceField(label="未知身份的处理", required=False, choices=SsoSettings.Unknown.choices)


FORM_FIELDS = ["protocol", "button_label", "cas_server_url", "oidc_issuer", "oidc_client_id", "oidc_scopes",
               "match_by", "username_attribute", "employee_number_attribute", "name_attribute",
               "unknown_identity"]


class SsoSettingsPage(SchoolPage):
    template_name = "web/sso/settings.html"
    title = "统一身份认证"
    roles = frozenset({"union_admin"})

    def get(self, request):
        conf = sso_settings()
        form = SettingsForm(initial={name: getattr(conf, name) for name in FORM_FIELDS})
        return self.render_page(form=form, conf=conf, callbacks=callback_urls(request))

    def post(self, request):
        form = SettingsForm(request.POST)
        if form.is_valid():
            data = {name: form.cleaned_data[name] or "" for name in FORM_FIELDS}
            secret = form.cleaned_data["client_secret"] or None
            if self.call_service(lambda: sso_settings_update(by=request.user, client_secret=secret, **data),
                                 form=form, success="已保存统一身份认证设置。"):
                return redirect("school:sso-settings")
        return self.render_page(form=form, conf=sso_settings(), callbacks=callback_urls(request))


def workbench_todos(user) -> list:
    return []


urlpatterns = [
    path("", SsoStart.as_view(), name="sso-start"),
    path("cas/", CasCallback.as_view(), name="sso-cas"),
    path("oidc/", OidcCallback.as_view(), name="sso-oidc"),
    path("apply/", SsoApply.as_view(), name="sso-apply"),
    path("settings/", SsoSettingsPage.as_view(), name="sso-settings"),
]
