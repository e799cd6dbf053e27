"""API 密钥 pages of both hosts (the host's admin only): list, create (the key is shown once, on the
answer to the form — never stored, never shown again), detail and revoke. Same services as the API
(tenants/apikeys/services.py); the API for the same is api/views/apikeys.py."""
from __future__ import annotations

import datetime

from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone

from tenants.accounts.roles import Role
from tenants.apikeys import selectors, services
from tenants.apikeys.models import ApiKey
from tenants.apikeys.scopes import PROVINCE, SCHOOL, scope_label
from web.apikey_forms import ApiKeyForm, RevokeForm
from web.base import ProvincePage, SchoolPage
from web.history import state_history
from web.tables import Column, Table


def _key(pk) -> ApiKey:
    key = selectors.api_keys().filter(pk=pk).first()
    if key is None:
        raise Http404("没有这个 API 密钥")
    return key


def _end_of(day: datetime.date | None):
    if day is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59)))


class _Pages:
    host = SCHOOL
    ns = "school"

    def url(self, name, *args):
        return reverse(f"{self.ns}:api-key{name}", args=args)


class _List(_Pages):
    template_name = "web/apikeys/list.html"
    title = "API 密钥"

    def get(self, request):
        table = Table(request, id="api-keys", columns=[
            Column("name", "名称", link=lambda k: self.url("", k.pk), primary=True),
            Column("prefix", "前缀"),
            Column("scope_text", "权限范围"),
            Column("state_label", "状态"),
            Column("expires_at", "到期", format="datetime", sort="expires_at"),
            Column("last_used_at", "最近使用", format="datetime", empty="从未使用"),
            Column("last_used_ip", "最近地址"),
        ], default_sort="-created_at", per_page=20, empty_text="还没有 API 密钥。")
        page = table.paginate(selectors.api_keys().order_by("-created_at", "-id"))
        for key in page:
            key.scope_text = "、".join(scope_label(s) for s in key.scopes)
        return self.render_page(table=table, new_url=self.url("-new"))


class _New(_Pages):
    template_name = "web/apikeys/form.html"
    title = "新建 API 密钥"

    def get(self, request):
        form = ApiKeyForm(host=self.host, initial={"expires_at": timezone.localdate() + datetime.timedelta(days=365)})
        return self.render_page(form=form, list_url=self.url("s"))

    def post(self, request):
        form = ApiKeyForm(request.POST, host=self.host)
        if form.is_valid():
            data = form.cleaned_data
            outcome = self.call_service(lambda: services.api_key_create(
                name=data["name"], scopes=form.scopes(), expires_at=_end_of(data["expires_at"]), by=request.user,
                rate_limit=data["rate_limit"] if data["rate_limit"] is not None else 120), form=form)
            if outcome:
                key, plaintext = outcome.value
                self.template_name = "web/apikeys/created.html"
                response = self.render_page(key=key, plaintext=plaintext, detail_url=self.url("", key.pk),
                                            list_url=self.url("s"))
                response["Cache-Control"] = "no-store"  # the one time the key is shown: never cached
                return response
        return self.render_page(form=form, list_url=self.url("s"))


class _Detail(_Pages):
    template_name = "web/apikeys/detail.html"
    title = "API 密钥"

    def get(self, request, pk):
        key = _key(pk)
        return self.render_page(key=key, scopes=[scope_label(s) for s in key.scopes], form=RevokeForm(),
                                revoke_url=self.url("-revoke", key.pk), list_url=self.url("s"),
                                history=state_history(key, services.API_KEY_MACHINE))


class _Revoke(_Pages):
    http_method_names = ["post"]

    def post(self, request, pk):
        key = _key(pk)
        form = RevokeForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        self.call_service(lambda: services.api_key_revoke(key=key, by=request.user, reason=reason),
                          success="已撤销，使用该密钥的请求将被拒绝。")
        return redirect(self.url("", key.pk))


_SCHOOL = {"roles": frozenset({Role.UNION_ADMIN}), "host": SCHOOL, "ns": "school"}
_PROVINCE = {"roles": frozenset({Role.PROVINCE_ADMIN}), "host": PROVINCE, "ns": "province"}


def _pages(base, attrs):
    made = {name: type(f"{cls.__name__.strip('_')}{base.__name__}", (cls, base), dict(attrs))
            for name, cls in (("list", _List), ("new", _New), ("detail", _Detail), ("revoke", _Revoke))}
    return [
        path("", made["list"].as_view(), name="api-keys"),
        path("new/", made["new"].as_view(), name="api-key-new"),
        path("<int:pk>/", made["detail"].as_view(), name="api-key"),
        path("<int:pk>/revoke/", made["revoke"].as_view(), name="api-key-revoke"),
    ]


school_urlpatterns = _pages(SchoolPage, _SCHOOL)
province_urlpatterns = _pages(ProvincePage, _PROVINCE)
