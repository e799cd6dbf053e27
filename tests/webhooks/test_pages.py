"""The Webhook pages on both hosts, through Django's test client (the same services as the API)."""
import pytest
from standardwebhooks.webhooks import Webhook

from tenants.accounts.roles import Role
from tenants.webhooks.models import Delivery, Subscription
from tests.conftest import in_schema, signed_in, text

pytestmark = pytest.mark.django_db


def test_only_the_hosts_admin_opens_the_pages_and_another_school_finds_nothing(province, guilin, huzhou):
    admin = signed_in(guilin, [Role.UNION_ADMIN])
    created = admin.post("/webhooks/new/", {"url": "http://127.0.0.1:9/hook", "event_types": ["member.created"],
                                            "is_active": "on"})
    assert created.status_code == 200
    with in_schema(guilin):
        pk = Subscription.objects.get().pk
    assert admin.get("/webhooks/").status_code == 200 and "127.0.0.1:9/hook" in text(admin.get("/webhooks/"))
    assert "Webhook 推送" in text(admin.get("/"))  # the navigation entry
    member = signed_in(guilin, [Role.MEMBER, Role.BRANCH_CHAIR])
    for path in ("/webhooks/", "/webhooks/new/", f"/webhooks/{pk}/"):
        assert member.get(path).status_code == 403
    assert "Webhook 推送" not in text(member.get("/"))
    other = signed_in(huzhou, [Role.UNION_ADMIN])
    assert other.get(f"/webhooks/{pk}/").status_code == 404
    assert other.post(f"/webhooks/{pk}/", {"form": "delete"}).status_code == 404
    with in_schema(guilin):
        assert Subscription.objects.filter(pk=pk).exists()
    province_admin = signed_in(province, [Role.PROVINCE_ADMIN])
    page = text(province_admin.get("/webhooks/new/"))
    assert "省级通知发布" in page and "会员新增" not in page  # the province's own catalogue
    assert signed_in(province, [Role.PROVINCE_REVIEWER]).get("/webhooks/").status_code == 403


def test_a_refused_address_is_explained_beside_the_field_and_the_input_kept(guilin, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    admin = signed_in(guilin, [Role.UNION_ADMIN])
    answer = admin.post("/webhooks/new/", {"url": "http://10.0.0.8/hook", "description": "人事系统",
                                           "event_types": ["member.created", "member.left"]})
    page = text(answer)
    assert answer.status_code == 200 and "内网" in page
    assert 'value="http://10.0.0.8/hook"' in page and 'value="人事系统"' in page
    assert page.count("checked") >= 2
    with in_schema(guilin):
        assert not Subscription.objects.exists()


def test_the_secret_is_shown_once_and_the_page_runs_test_rotate_and_redeliver(
        guilin, receiver, django_capture_on_commit_callbacks):
    admin = signed_in(guilin, [Role.UNION_ADMIN])
    created = admin.post("/webhooks/new/", {"url": receiver.url("/page"), "event_types": ["member.created"],
                                            "is_active": "on"})
    assert created["Cache-Control"] == "no-store"
    with in_schema(guilin):
        subscription = Subscription.objects.get()
    secret = created.context["secret"]
    assert secret.startswith("whsec_") and secret in text(created)
    detail = f"/webhooks/{subscription.pk}/"
    # the answer to 新建 stays at /webhooks/new/: its buttons must post to the subscription itself
    assert text(created).count(f'action="{detail}"') >= 5 and 'action=""' not in text(created)
    assert secret not in text(admin.get(detail))

    with django_capture_on_commit_callbacks(execute=True):
        admin.post(detail, {"form": "test"})
    [first] = receiver.on("/page")
    assert Webhook(secret).verify(first.body, first.headers)["type"] == "webhook.test"
    page = text(admin.get(detail))
    assert "已送达" in page and "204" in page and "测试消息" in page

    with in_schema(guilin):
        delivery = Delivery.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post(detail, {"form": "redeliver", "delivery": delivery.pk}).status_code == 302
    assert [r.headers["webhook-id"] for r in receiver.on("/page")] == [delivery.message_id] * 2

    rotated = admin.post(detail, {"form": "rotate"})
    new_secret = rotated.context["secret"]
    assert new_secret != secret and new_secret in text(rotated) and rotated["Cache-Control"] == "no-store"

    assert admin.post(detail, {"form": "disable"}).status_code == 302
    with in_schema(guilin):
        assert Subscription.objects.get().is_active is False
    assert admin.post(detail, {"form": "delete"})["Location"] == "/webhooks/"
    with in_schema(guilin):
        assert not Subscription.objects.exists()


def test_every_problem_of_the_form_is_shown_at_once(guilin):
    admin = signed_in(guilin, [Role.UNION_ADMIN])
    page = text(admin.post("/webhooks/new/", {"url": "ftp://x"}))
    assert "http:// 或 https://" in page and "请至少选择一种事件" in page
    with in_schema(guilin):
        assert not Subscription.objects.exists()
