"""Signed webhooks against a real HTTP receiver on 127.0.0.1 (tests/webhooks/receiver.py).

Signatures are checked with the reference implementation (the `standardwebhooks` package), never
with our own code. Time is advanced by moving the deliveries' `next_attempt_at` back, which is what
the beat sweeper reads.
"""
import datetime
import json

import pytest
from django.db.models import F
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from shared.circulars.services import circular_create, circular_publish
from tenants.accounts.models import Notification, User
from tenants.accounts.roles import Role
from tenants.audit.models import AuditRecord
from tenants.webhooks.models import Delivery, Subscription
from tenants.webhooks.tasks import sweep_due
from tests.conftest import in_schema
from tests.members.factories import a_branch, a_member, valid_id_number

pytestmark = pytest.mark.django_db


def _subscribe(client, url, events, **extra):
    response = client.post("/api/v1/webhooks/", {"url": url, "event_types": events, **extra}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["secret"].startswith("whsec_") and response["Cache-Control"] == "no-store"
    return body


def _advance(school, seconds):
    """The clock moves on by ``seconds`` for every waiting delivery of ``school``."""
    with in_schema(school):
        Delivery.objects.filter(next_attempt_at__isnull=False).update(
            next_attempt_at=F("next_attempt_at") - datetime.timedelta(seconds=seconds))


def _verified(secret, received):
    return Webhook(secret).verify(received.body, received.headers)


@pytest.fixture
def guilin_admin(guilin, host_client):
    return host_client(guilin, [Role.UNION_ADMIN])


def test_a_new_member_reaches_the_schools_subscription_signed_and_masked(
        guilin, guilin_admin, receiver, django_capture_on_commit_callbacks):
    hook = _subscribe(guilin_admin, receiver.url("/guilin"), ["member.created", "member.left"])
    branch = a_branch(guilin)
    with django_capture_on_commit_callbacks(execute=True):
        created = guilin_admin.post("/api/v1/members/", {
            "name": "李四", "gender": "female", "employee_number": "W001", "branch": branch.pk,
            "employment_type": "staff", "join_date": "2020-09-01", "phone": "13812345678",
            "id_number": valid_id_number()}, format="json")
    assert created.status_code == 201, created.content

    [received] = receiver.on("/guilin")
    payload = _verified(hook["secret"], received)  # the reference implementation accepts it
    assert payload["type"] == "member.created" and payload["timestamp"]
    data = payload["data"]
    assert (data["name"], data["employee_number"], data["phone"]) == ("李四", "W001", "138****5678")
    assert data["id_number"].startswith("4503") and "*" in data["id_number"] and "19850312" not in received.body
    assert received.headers["webhook-signature"].startswith("v1,")
    with pytest.raises(WebhookVerificationError):  # a body changed on the way is refused
        Webhook(hook["secret"]).verify(received.body.replace("李四", "王五"), received.headers)

    log = guilin_admin.get(f"/api/v1/webhooks/{hook['id']}/deliveries/").json()["results"]
    assert len(log) == 1
    assert log[0]["message_id"] == received.headers["webhook-id"]
    assert (log[0]["outcome"], log[0]["attempts"], log[0]["last_status_code"]) == ("delivered", 1, 204)
    assert isinstance(log[0]["last_response_ms"], int) and log[0]["attempt_log"][0]["status_code"] == 204


def test_a_school_never_hears_another_schools_events(
        province, guilin, huzhou, guilin_admin, host_client, receiver, django_capture_on_commit_callbacks):
    huzhou_admin = host_client(huzhou, [Role.UNION_ADMIN])
    province_admin = host_client(province, [Role.PROVINCE_ADMIN])
    events = ["member.created", "circular.published"]
    _subscribe(guilin_admin, receiver.url("/guilin"), events)
    _subscribe(huzhou_admin, receiver.url("/huzhou"), events)
    _subscribe(province_admin, receiver.url("/province"), ["circular.published"])

    with django_capture_on_commit_callbacks(execute=True):
        a_member(guilin, name="桂林会员")
        circular = circular_create(by=province_admin.user, title="只发湖州的通知", items=[{"title": "一项"}])
        circular_publish(circular=circular, by=province_admin.user, school_slugs=["huzhou"])

    def types(path):
        return [json.loads(r.body)["type"] for r in receiver.on(path)]

    assert types("/guilin") == ["member.created"]
    assert types("/huzhou") == ["circular.published"]
    assert types("/province") == ["circular.published"]
    assert "桂林会员" not in "".join(r.body for r in receiver.on("/huzhou") + receiver.on("/province"))
    with in_schema(huzhou):
        assert not Delivery.objects.filter(event_type="member.created").exists()


def test_a_failing_receiver_is_retried_with_backoff_and_recovers(
        guilin, guilin_admin, receiver, settings, django_capture_on_commit_callbacks):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 60
    receiver.plan["/flaky"] = [500, 503]
    hook = _subscribe(guilin_admin, receiver.url("/flaky"), ["member.created"])
    with django_capture_on_commit_callbacks(execute=True):
        a_member(guilin)
    with in_schema(guilin):
        delivery = Delivery.objects.get()
        first_wait = delivery.next_attempt_at - delivery.attempt_log.get().at
    assert (delivery.outcome, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    assert datetime.timedelta(seconds=59) < first_wait <= datetime.timedelta(seconds=60)

    sweep_due()  # not due yet: nothing is sent
    assert len(receiver.on("/flaky")) == 1
    _advance(guilin, 61)
    sweep_due()
    with in_schema(guilin):
        delivery.refresh_from_db()
        second_wait = delivery.next_attempt_at - delivery.attempt_log.first().at
    assert (delivery.attempts, delivery.last_status_code) == (2, 503)
    assert datetime.timedelta(seconds=119) < second_wait <= datetime.timedelta(seconds=120)  # doubled
    _advance(guilin, 121)
    sweep_due()

    attempts = receiver.on("/flaky")
    assert len(attempts) == 3 and len({r.headers["webhook-id"] for r in attempts}) == 1  # one message id
    assert all(_verified(hook["secret"], r)["type"] == "member.created" for r in attempts)
    log = guilin_admin.get(f"/api/v1/webhooks/{hook['id']}/deliveries/").json()["results"][0]
    assert (log["outcome"], log["attempts"], log["last_status_code"], log["last_error"]) == ("delivered", 3, 204, "")
    assert [a["status_code"] for a in log["attempt_log"]] == [204, 503, 500]
    assert "HTTP 503" in log["attempt_log"][1]["error"]
    assert guilin_admin.get(f"/api/v1/webhooks/{hook['id']}/").json()["consecutive_failures"] == 0


def test_the_outbox_keeps_an_event_whose_task_never_ran_and_the_sweeper_sends_it(guilin, guilin_admin, receiver):
    _subscribe(guilin_admin, receiver.url("/later"), ["member.created"])
    a_member(guilin)  # committed without its on-commit task, as when the broker was down
    assert receiver.on("/later") == []
    with in_schema(guilin):
        assert Delivery.objects.get().outcome == "pending"
    assert sweep_due() >= 1
    assert len(receiver.on("/later")) == 1
    with in_schema(guilin):
        assert Delivery.objects.get().outcome == "delivered"


def test_repeated_failures_switch_the_subscription_off_and_tell_the_admins(
        guilin, guilin_admin, receiver, settings, django_capture_on_commit_callbacks):
    settings.WEBHOOK_MAX_ATTEMPTS, settings.WEBHOOK_DISABLE_AFTER_FAILURES = 2, 2
    receiver.plan["/down"] = [500, 500]
    hook = _subscribe(guilin_admin, receiver.url("/down"), ["member.created"])
    with django_capture_on_commit_callbacks(execute=True):
        a_member(guilin)
    _advance(guilin, 3600)
    sweep_due()

    detail = guilin_admin.get(f"/api/v1/webhooks/{hook['id']}/").json()
    assert detail["is_active"] is False and "连续 2 次投递失败" in detail["disabled_reason"]
    with in_schema(guilin):
        delivery = Delivery.objects.get()
        assert (delivery.outcome, delivery.attempts, delivery.next_attempt_at) == ("failed", 2, None)
        notice = Notification.objects.get(user=guilin_admin.user)
        assert "已自动停用" in notice.message and notice.link == f"/webhooks/{hook['id']}/"
        assert AuditRecord.objects.filter(target_type="webhooks.subscription", target_id=str(hook["id"]),
                                          reason__contains="自动停用").exists()

    redeliver = f"/api/v1/webhooks/{hook['id']}/deliveries/{delivery.pk}/redeliver/"
    refused = guilin_admin.post(redeliver)
    assert refused.status_code == 409 and "已停用" in refused.json()["detail"]
    assert guilin_admin.patch(f"/api/v1/webhooks/{hook['id']}/", {"is_active": True},
                              format="json").json()["consecutive_failures"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        again = guilin_admin.post(redeliver)
    assert again.status_code == 200, again.content
    with in_schema(guilin):
        delivery.refresh_from_db()
        assert (delivery.outcome, delivery.attempts) == ("delivered", 3)
        assert delivery.attempt_log.first().manual is True
    assert len({r.headers["webhook-id"] for r in receiver.on("/down")}) == 1


def test_redirects_are_not_followed_and_a_slow_receiver_times_out(
        guilin, guilin_admin, receiver, django_capture_on_commit_callbacks):
    receiver.plan["/moved"] = ["redirect"]
    receiver.plan["/slow"] = ["slow"]
    moved = _subscribe(guilin_admin, receiver.url("/moved"), ["member.created"])
    slow = _subscribe(guilin_admin, receiver.url("/slow"), ["member.created"])
    with django_capture_on_commit_callbacks(execute=True):
        a_member(guilin)
    assert receiver.on("/ok") == []
    moved_log = guilin_admin.get(f"/api/v1/webhooks/{moved['id']}/deliveries/").json()["results"][0]
    slow_log = guilin_admin.get(f"/api/v1/webhooks/{slow['id']}/deliveries/").json()["results"][0]
    assert moved_log["last_status_code"] == 302 and "不跟随重定向" in moved_log["last_error"]
    assert slow_log["last_status_code"] is None and "0.5 秒内没有响应" in slow_log["last_error"]
    assert moved_log["outcome"] == slow_log["outcome"] == "pending"


@pytest.mark.parametrize("url, expected", [
    ("ftp://example.com/hook", "http:// 或 https://"),
    ("javascript:alert(1)", "http:// 或 https://"),
    ("http://127.0.0.1:9000/hook", "内网"),
    ("http://localhost/hook", "内网"),
    ("http://10.1.2.3/hook", "内网"),
    ("http://169.254.169.254/latest/meta-data", "内网"),
    ("http://[::1]/hook", "内网"),
    ("http://[::ffff:192.168.0.1]/hook", "内网"),
    # IPv6 forms carrying a private IPv4 address, which Python's is_global calls public
    ("http://[::a00:1]/hook", "内网"),          # IPv4-compatible 10.0.0.1
    ("http://[64:ff9b::7f00:1]/hook", "内网"),  # NAT64 127.0.0.1
    ("http://[2002:7f00:1::1]/hook", "内网"),   # 6to4 127.0.0.1
    ("http://[fec0::1]/hook", "内网"),          # site-local
    ("http://user:pass@example.com/hook", "用户名或密码"),
])
def test_a_target_that_is_not_public_http_is_refused_in_production(guilin, guilin_admin, settings, url, expected):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    response = guilin_admin.post("/api/v1/webhooks/", {"url": url, "event_types": ["member.created"]}, format="json")
    assert response.status_code == 400, response.content
    assert expected in response.json()["errors"]["url"][0]
    with in_schema(guilin):
        assert not Subscription.objects.exists()
        refusal = AuditRecord.objects.get(target_type="webhooks.subscription")
        assert refusal.actor_name == guilin_admin.user.username and refusal.reason.startswith("已拒绝")


def test_a_public_address_is_accepted_and_a_private_one_is_rechecked_before_sending(
        guilin, guilin_admin, receiver, settings, django_capture_on_commit_callbacks):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    assert guilin_admin.post("/api/v1/webhooks/", {"url": "https://93.184.216.34/hook", "event_types": [
        "member.created"], "is_active": False}, format="json").status_code == 201
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    hook = _subscribe(guilin_admin, receiver.url("/private"), ["member.created"])
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False  # e.g. the name now resolves to an internal address
    with django_capture_on_commit_callbacks(execute=True):
        a_member(guilin)
    assert receiver.on("/private") == []
    log = guilin_admin.get(f"/api/v1/webhooks/{hook['id']}/deliveries/").json()["results"][0]
    assert "内网" in log["last_error"] and log["outcome"] == "pending"


def test_a_rotated_secret_signs_beside_the_old_one_for_the_grace_period(
        guilin, guilin_admin, receiver, settings, django_capture_on_commit_callbacks):
    hook = _subscribe(guilin_admin, receiver.url("/rotate"), ["member.created"])
    rotated = guilin_admin.post(f"/api/v1/webhooks/{hook['id']}/rotate-secret/")
    assert rotated.status_code == 201 and rotated["Cache-Control"] == "no-store"
    new_secret = rotated.json()["secret"]
    assert new_secret != hook["secret"] and rotated.json()["has_previous_secret"] is True
    assert "secret" not in guilin_admin.get(f"/api/v1/webhooks/{hook['id']}/").json()
    with django_capture_on_commit_callbacks(execute=True):
        assert guilin_admin.post(f"/api/v1/webhooks/{hook['id']}/test/").status_code == 201
    [during] = receiver.on("/rotate")
    assert len(during.headers["webhook-signature"].split(" ")) == 2
    assert _verified(new_secret, during)["type"] == "webhook.test"
    assert _verified(hook["secret"], during)["type"] == "webhook.test"  # receivers not yet switched

    settings.WEBHOOK_SECRET_GRACE_SECONDS = 0
    newest = guilin_admin.post(f"/api/v1/webhooks/{hook['id']}/rotate-secret/").json()["secret"]
    with django_capture_on_commit_callbacks(execute=True):
        guilin_admin.post(f"/api/v1/webhooks/{hook['id']}/test/")
    after = receiver.on("/rotate")[-1]
    assert len(after.headers["webhook-signature"].split(" ")) == 1 and _verified(newest, after)
    with pytest.raises(WebhookVerificationError):
        _verified(new_secret, after)
    with in_schema(guilin):
        assert AuditRecord.objects.filter(target_type="webhooks.subscription", reason__startswith="轮换签名密钥").count() == 2
        stored = Subscription.objects.get()
        assert newest not in stored.secret_encrypted  # encrypted at rest


def test_event_types_come_from_the_hosts_catalogue(province, guilin_admin, host_client):
    school_events = [e["type"] for e in guilin_admin.get("/api/v1/webhooks/events/").json()]
    assert "member.created" in school_events and "nomination.status_changed" in school_events
    province_admin = host_client(province, [Role.PROVINCE_ADMIN])
    assert [e["type"] for e in province_admin.get("/api/v1/webhooks/events/").json()] == [
        "nomination.status_changed", "entry.status_changed", "circular.published", "subsidy.disbursed"]
    wrong = province_admin.post("/api/v1/webhooks/", {"url": "http://127.0.0.1/x", "event_types": ["member.created"]},
                                format="json")
    assert wrong.status_code == 400 and "member.created" in wrong.json()["errors"]["event_types"][0]
    empty = guilin_admin.post("/api/v1/webhooks/", {"url": "http://127.0.0.1/x", "event_types": []}, format="json")
    assert empty.status_code == 400 and "至少选择" in empty.json()["errors"]["event_types"][0]
    assert not Subscription.objects.exists()  # public: nothing written


def test_only_the_hosts_admin_reaches_its_subscriptions(province, guilin, huzhou, guilin_admin, host_client):
    hook = _subscribe(guilin_admin, "http://127.0.0.1/x", ["member.created"])
    member = host_client(guilin, [Role.MEMBER, Role.BRANCH_CHAIR])
    assert member.get("/api/v1/webhooks/").status_code == 403
    assert member.post("/api/v1/webhooks/", {"url": "http://127.0.0.1/y", "event_types": ["member.created"]},
                       format="json").status_code == 403
    assert member.post(f"/api/v1/webhooks/{hook['id']}/rotate-secret/").status_code == 403
    huzhou_admin = host_client(huzhou, [Role.UNION_ADMIN])
    for path in (f"/api/v1/webhooks/{hook['id']}/", f"/api/v1/webhooks/{hook['id']}/deliveries/"):
        assert huzhou_admin.get(path).status_code == 404
    assert huzhou_admin.post(f"/api/v1/webhooks/{hook['id']}/rotate-secret/").status_code == 404
    assert huzhou_admin.delete(f"/api/v1/webhooks/{hook['id']}/").status_code == 404
    assert huzhou_admin.get("/api/v1/webhooks/").json()["count"] == 0
    reviewer = host_client(province, [Role.PROVINCE_REVIEWER])
    assert reviewer.get("/api/v1/webhooks/").status_code == 403
    assert guilin_admin.delete(f"/api/v1/webhooks/{hook['id']}/").status_code == 204
    with in_schema(guilin):
        assert not Subscription.objects.exists()
        assert User.objects.filter(pk=guilin_admin.user.pk).exists()


def test_a_secret_no_configured_key_opens_is_an_attempt_error_not_a_crash(
        guilin, guilin_admin, receiver, settings, django_capture_on_commit_callbacks):
    hook = _subscribe(guilin_admin, receiver.url("/unreadable"), ["member.created"])
    settings.PERSONAL_DATA_KEY = "key-that-encrypted-nothing-" + "x" * 30  # the old key was dropped
    with django_capture_on_commit_callbacks(execute=True):
        a_member(guilin)
    assert receiver.on("/unreadable") == []
    log = guilin_admin.get(f"/api/v1/webhooks/{hook['id']}/deliveries/").json()["results"][0]
    assert "签名密钥无法解密" in log["last_error"] and log["outcome"] == "pending"


def test_a_redelivery_while_a_worker_is_posting_the_message_is_refused_not_sent_twice(
        guilin, guilin_admin, receiver, django_capture_on_commit_callbacks):
    import psycopg2
    from django.db import connection

    hook = _subscribe(guilin_admin, receiver.url("/busy"), ["member.created"])
    with django_capture_on_commit_callbacks(execute=True):
        a_member(guilin)
    with in_schema(guilin):
        delivery = Delivery.objects.get()
    redeliver = f"/api/v1/webhooks/{hook['id']}/deliveries/{delivery.pk}/redeliver/"
    db = connection.settings_dict
    worker = psycopg2.connect(dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"], host=db["HOST"],
                              port=db["PORT"])
    try:
        with worker.cursor() as cursor:  # another worker holds the delivery while its request is out
            cursor.execute("SELECT pg_advisory_lock(hashtext(%s))", [f"webhook-delivery:school_guilin:{delivery.pk}"])
        refused = guilin_admin.post(redeliver)
        assert refused.status_code == 409 and "正在发送中" in refused.json()["detail"]
    finally:
        worker.close()  # the worker is done: its lock goes with its session
    with django_capture_on_commit_callbacks(execute=True):
        assert guilin_admin.post(redeliver).status_code == 200
    assert len(receiver.on("/busy")) == 2
