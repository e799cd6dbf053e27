"""Webhook pages (issue #13), the same on both kinds of host, for that host's admin only.

`/webhooks/` lists the host's subscriptions; `/webhooks/new/` subscribes a URL to events chosen from
the host's catalogue and shows the signing secret once; `/webhooks/<id>/` edits it, switches it on
or off, rotates the secret (shown once), sends a test message, deletes it, and shows the delivery
log with a 重新发送 button per delivery. Every change calls tenants.webhooks.services, as the API does.
"""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse

from tenants.accounts.roles import Role, on_province
from tenants.webhooks import services as s
from tenants.webhooks.events import catalogue, event_label
from tenants.webhooks.models import Delivery, Subscription
from web.base import ProvincePage, SchoolPage, posted_id
from web.forms import PageForm
from web.tables import Column, Table


class SubscriptionForm(PageForm):
    url = forms.CharField(label="回调地址", required=False, max_length=500,
                          help_text="接收方的 http:// 或 https:// 地址；每次投递以 POST 发送 JSON。",
                          widget=forms.URLInput(attrs={"placeholder": "https://it.example.edu.cn/eduunion/hook"}))
    description = forms.CharField(label="说明", required=False, max_length=200)
    event_types = forms.MultipleChoiceField(label="事件", required=False, widget=forms.CheckboxSelectMultiple)
    is_active = forms.BooleanField(label="启用", required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event_types"].choices = list(catalogue(province=on_province()).items())


def _ns(request) -> str:
    return "province" if on_province() else "school"


def _subscription(pk) -> Subscription:
    subscription = Subscription.objects.filter(pk=pk).first()
    if subscription is None:
        raise Http404("没有这个 Webhook 订阅")
    return subscription


def _no_store(response):
    response["Cache-Control"] = "no-store"  # the page shows a secret
    return response


class WebhookListPage:
    template_name = "web/webhooks/list.html"
    title = "Webhook 推送"

    def get(self, request):
        ns = _ns(request)
        labels = catalogue(province=on_province())
        table = Table(request, id="webhooks", columns=[
            Column("url", "回调地址", link=lambda row: reverse(f"{ns}:webhook", args=[row.pk]), primary=True),
            Column("events_label", "事件"),
            Column("state_label", "状态"),
            Column("consecutive_failures", "连续失败"),
            Column("created_at", "创建时间", format="datetime", sort="created_at"),
        ], default_sort="-created_at", per_page=20, empty_text="还没有 Webhook 订阅。",
            empty_hint="订阅后，本站点的变化会以签名的 HTTP 请求推送到贵校的系统。")
        page = table.paginate(Subscription.objects.all())
        for row in page:
            row.events_label = "、".join(labels.get(item, item) for item in row.event_types)
            row.state_label = "启用" if row.is_active else ("已自动停用" if row.disabled_at else "停用")
        return self.render_page(table=table, new_url=reverse(f"{ns}:webhook-new"))


class WebhookNewPage:
    template_name = "web/webhooks/form.html"
    title = "新建 Webhook 订阅"

    def get(self, request):
        return self.render_page(form=SubscriptionForm(initial={"is_active": True}),
                                back=reverse(f"{_ns(request)}:webhooks"))

    def post(self, request):
        form = SubscriptionForm(request.POST)
        if form.is_valid():
            done = self.call_service(lambda: s.subscription_create(by=request.user, **form.cleaned_data), form=form)
            if done:
                subscription, secret = done.value
                messages.success(request, "已创建订阅。签名密钥只显示这一次，请立即复制保存。")
                return _no_store(_detail(self, subscription, secret=secret))
        return self.render_page(form=form, back=reverse(f"{_ns(request)}:webhooks"))


def _detail(page, subscription, *, secret="", form=None):
    request = page.request
    ns = _ns(request)
    labels = catalogue(province=on_province())
    table = Table(request, id="deliveries", columns=[
        Column("created_at", "时间", format="datetime", primary=True),
        Column("event_label", "事件"),
        Column("outcome", "结果", badge=True),
        Column("attempts", "尝试次数"),
        Column("last_status_code", "状态码"),
        Column("last_response_ms", "响应（毫秒）"),
        Column("last_error", "错误"),
        Column("next_attempt_at", "下次尝试", format="datetime"),
    ], per_page=20, empty_text="还没有投递记录。")
    deliveries = table.paginate(Delivery.objects.filter(subscription=subscription).order_by("-created_at", "-id"))
    for row in deliveries:
        row.event_label = event_label(row.event_type, province=on_province())
    form = form or SubscriptionForm(initial={"url": subscription.url, "description": subscription.description,
                                             "event_types": subscription.event_types,
                                             "is_active": subscription.is_active})
    page.title, page.template_name = "Webhook 订阅", WebhookDetailPage.template_name  # also after 新建
    # the forms post to the subscription's own address: this page also answers 新建 at /webhooks/new/
    return page.render_page(subscription=subscription, secret=secret, form=form, table=table,
                            detail_url=reverse(f"{ns}:webhook", args=[subscription.pk]),
                            deliveries=deliveries, events=[labels.get(e, e) for e in subscription.event_types],
                            back=reverse(f"{ns}:webhooks"))


class WebhookDetailPage:
    template_name = "web/webhooks/detail.html"
    title = "Webhook 订阅"

    def get(self, request, pk):
        return _detail(self, _subscription(pk))

    def post(self, request, pk):
        subscription = _subscription(pk)
        what = request.POST.get("form", "")
        here = redirect(request.path)
        if what == "edit":
            form = SubscriptionForm(request.POST)
            if form.is_valid() and self.call_service(lambda: s.subscription_update(
                    subscription=subscription, by=request.user, **form.cleaned_data), form=form, success="已保存。"):
                return here
            return _detail(self, subscription, form=form)
        if what in ("enable", "disable"):
            self.call_service(lambda: s.subscription_update(subscription=subscription, by=request.user,
                                                            is_active=what == "enable"),
                              success="已启用。" if what == "enable" else "已停用。")
        elif what == "rotate":
            done = self.call_service(lambda: s.subscription_rotate_secret(subscription=subscription, by=request.user))
            if done:
                messages.success(request, "已生成新的签名密钥（只显示这一次）；旧密钥在宽限期内仍同时签名。")
                subscription.refresh_from_db()
                return _no_store(_detail(self, subscription, secret=done.value))
        elif what == "test":
            self.call_service(lambda: s.subscription_test(subscription=subscription, by=request.user),
                              success="已发送测试消息，结果见下方投递记录。")
        elif what == "redeliver":
            delivery = Delivery.objects.filter(subscription=subscription, pk=posted_id(request, "delivery")).first()
            if delivery is None:
                raise Http404
            self.call_service(lambda: s.delivery_redeliver(delivery=delivery, by=request.user),
                              success="已重新发送。")
        elif what == "delete":
            if self.call_service(lambda: s.subscription_delete(subscription=subscription, by=request.user),
                                 success="已删除订阅。"):
                return redirect(f"{_ns(request)}:webhooks")
        else:
            raise Http404
        return here


# One class per host: the school's union_admin, the province's province_admin.
_SCHOOL = {"roles": frozenset({Role.UNION_ADMIN})}
_PROVINCE = {"roles": frozenset({Role.PROVINCE_ADMIN})}

SchoolWebhookList = type("SchoolWebhookList", (WebhookListPage, SchoolPage), _SCHOOL)
SchoolWebhookNew = type("SchoolWebhookNew", (WebhookNewPage, SchoolPage), _SCHOOL)
SchoolWebhookDetail = type("SchoolWebhookDetail", (WebhookDetailPage, SchoolPage), _SCHOOL)
ProvinceWebhookList = type("ProvinceWebhookList", (WebhookListPage, ProvincePage), _PROVINCE)
ProvinceWebhookNew = type("ProvinceWebhookNew", (WebhookNewPage, ProvincePage), _PROVINCE)
ProvinceWebhookDetail = type("ProvinceWebhookDetail", (WebhookDetailPage, ProvincePage), _PROVINCE)


def _patterns(list_page, new_page, detail_page):
    return [
        path("", list_page.as_view(), name="webhooks"),
        path("new/", new_page.as_view(), name="webhook-new"),
        path("<int:pk>/", detail_page.as_view(), name="webhook"),
    ]


school_urlpatterns = _patterns(SchoolWebhookList, SchoolWebhookNew, SchoolWebhookDetail)
province_urlpatterns = _patterns(ProvinceWebhookList, ProvinceWebhookNew, ProvinceWebhookDetail)
