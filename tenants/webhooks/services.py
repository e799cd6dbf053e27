"""Webhooks: subscriptions, the outbox (`emit`), signed delivery with retries, redelivery.

Signing follows Standard Webhooks (https://www.standardwebhooks.com): every request carries
`webhook-id` (the delivery's message id, the same on every retry: receivers de-duplicate on it),
`webhook-timestamp` (seconds, the time of this attempt) and `webhook-signature`:
`v1,<base64 HMAC-SHA256 over "id.timestamp.body">` keyed with the base64 part of the
`whsec_<base64>` secret. After a rotation the previous secret keeps signing beside the new one
(space-separated signatures) until WEBHOOK_SECRET_GRACE_SECONDS have passed, so a receiver can
switch secrets without losing a message.

Delivery: `emit` writes one `Delivery` row per matching active subscription in the caller's
transaction (the outbox: if the broker is down nothing is lost) and, once that commits, sends the
Celery task `tenants.webhooks.tasks.deliver`. A failed attempt schedules the next one at
`next_attempt_at` with exponential backoff; the beat task `sweep_due` sends whatever is due, so
retries survive restarts. After WEBHOOK_DISABLE_AFTER_FAILURES consecutive failed attempts the
subscription is switched off and the host's admins get a notification.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets as random_secrets
import time
import uuid
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from tenants import outbound, personal_data
from tenants.accounts.roles import ADMIN_ROLES
from tenants.audit.models import AuditRecord
from tenants.audit.services import actor_name, audit_create, audit_delete, audit_record, audit_update, field_values
from tenants.errors import Conflict
from tenants.webhooks.events import PROVINCIAL_EVENTS, TEST_EVENT, catalogue
from tenants.webhooks.models import Attempt, Delivery, Subscription

logger = logging.getLogger(__name__)

SECRET_PREFIX = "whsec_"
AUDITED = ["url", "description", "event_types", "is_active"]
USER_AGENT = "EduUnion-Webhooks/1.0"


# --- secrets and signatures -------------------------------------------------------------------

def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(random_secrets.token_bytes(24)).decode()


def sign(secret: str, message_id: str, timestamp: int, body: str) -> str:
    """One `v1,<signature>` of the Standard Webhooks scheme."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    digest = hmac.new(key, f"{message_id}.{timestamp}.{body}".encode(), hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signing_secrets(subscription: Subscription, now: datetime.datetime | None = None) -> list[str]:
    """The current secret, and the previous one while its grace period lasts."""
    now = now or timezone.now()
    found = [personal_data.decrypt(subscription.secret_encrypted)]
    if (subscription.previous_secret_encrypted and subscription.previous_secret_expires_at
            and subscription.previous_secret_expires_at > now):
        found.append(personal_data.decrypt(subscription.previous_secret_encrypted))
    return found


def signature_header(secrets: list[str], message_id: str, timestamp: int, body: str) -> str:
    return " ".join(sign(secret, message_id, timestamp, body) for secret in secrets)


# --- where a webhook may go (SSRF) ------------------------------------------------------------

def target_problem(url: str) -> str | None:
    """Why a webhook may not be sent to ``url`` (Chinese), or None: checked when the subscription is
    saved and again before every attempt (the name may resolve elsewhere later)."""
    return outbound.target_problem(url, allow_private=getattr(settings, "WEBHOOK_ALLOW_PRIVATE_TARGETS", False),
                                   what="回调地址")


# --- subscriptions ----------------------------------------------------------------------------

def _on_province() -> bool:
    return connection.schema_name == get_public_schema_name()


def _clean(*, url=None, event_types=None, description=None, check_target: bool = False, by=None) -> dict:
    """The fields checked, every problem at once (400 naming each field); with ``check_target`` the
    address is also checked as a target (scheme, no credentials, SSRF), a refusal audited as ``by``'s."""
    errors, cleaned = {}, {}
    if url is not None:
        url = str(url).strip()
        if not url:
            errors["url"] = "请填写回调地址。"
        elif len(url) > 500:
            errors["url"] = "回调地址不能超过 500 个字符。"
        elif check_target and (problem := _refused_target(url, by=by)):
            errors["url"] = problem
        else:
            cleaned["url"] = url
    if event_types is not None:
        known = catalogue(province=_on_province())
        chosen = [str(item) for item in event_types] if isinstance(event_types, (list, tuple)) else None
        if not chosen:
            errors["event_types"] = "请至少选择一种事件。"
        elif unknown := [item for item in chosen if item not in known]:
            errors["event_types"] = "本站点没有这些事件类型：" + "、".join(unknown[:5])
        else:
            cleaned["event_types"] = [item for item in known if item in chosen]  # catalogue order, no repeats
    if description is not None:
        description = str(description).strip()
        if len(description) > 200:
            errors["description"] = "说明不能超过 200 个字符。"
        cleaned["description"] = description
    if errors:
        raise ValidationError(errors)
    return cleaned


def _refused_target(url: str, *, by) -> str | None:
    """Why ``url`` is refused as a webhook's address, the attempt audited (the record is written on
    its own, since nothing else of the request is); None when it may be used."""
    problem = target_problem(url)
    if problem is None:
        return None
    AuditRecord.objects.create(
        actor=by if getattr(by, "is_authenticated", False) else None, actor_name=actor_name(by),
        action=AuditRecord.Action.REFUSED, target_type="webhooks.subscription", target_id="-",
        target_repr=f"Webhook {url}"[:200], reason=f"已拒绝：{problem}")
    return problem


def subscription_create(*, by, url, event_types, description: str = "", is_active: bool = True
                        ) -> tuple[Subscription, str]:
    """A new subscription and its secret (shown to the caller once; stored encrypted)."""
    cleaned = _clean(url=url, event_types=event_types, description=description, check_target=True, by=by)
    secret = new_secret()
    with transaction.atomic():
        subscription = Subscription.objects.create(**cleaned, is_active=bool(is_active),
                                                   secret_encrypted=personal_data.encrypt(secret),
                                                   created_by=actor_name(by))
        audit_create(actor=by, target=subscription, fields=AUDITED)
    return subscription, secret


def subscription_update(*, subscription: Subscription, by, **changes) -> Subscription:
    unknown = set(changes) - {"url", "event_types", "description", "is_active"}
    if unknown:
        raise ValidationError({key: "该字段不能修改。" for key in unknown})
    is_active = changes.pop("is_active", None)
    moved = "url" in changes and str(changes["url"] or "").strip() != subscription.url
    cleaned = _clean(**changes, check_target=moved, by=by)
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
        before = field_values(subscription, AUDITED)
        fields = list(cleaned)
        for key, value in cleaned.items():
            setattr(subscription, key, value)
        if is_active is not None and bool(is_active) != subscription.is_active:
            subscription.is_active = bool(is_active)
            fields.append("is_active")
            if subscription.is_active:  # switched on again: a fresh start
                subscription.consecutive_failures, subscription.disabled_at, subscription.disabled_reason = 0, None, ""
                fields += ["consecutive_failures", "disabled_at", "disabled_reason"]
        if fields:
            subscription.save(update_fields=fields)
            audit_update(actor=by, target=subscription, before=before)
    return subscription


def subscription_delete(*, subscription: Subscription, by) -> None:
    with transaction.atomic():
        audit_delete(actor=by, target=subscription, reason="删除 Webhook 订阅及其投递记录")
        subscription.delete()


def subscription_rotate_secret(*, subscription: Subscription, by) -> str:
    """A new secret (returned once). The old one keeps signing, beside it, for the grace period."""
    grace = int(settings.WEBHOOK_SECRET_GRACE_SECONDS)
    secret = new_secret()
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
        if grace > 0:
            subscription.previous_secret_encrypted = subscription.secret_encrypted
            subscription.previous_secret_expires_at = timezone.now() + datetime.timedelta(seconds=grace)
        else:
            subscription.previous_secret_encrypted, subscription.previous_secret_expires_at = "", None
        subscription.secret_encrypted = personal_data.encrypt(secret)
        subscription.save(update_fields=["secret_encrypted", "previous_secret_encrypted",
                                         "previous_secret_expires_at"])
        until = (f"旧密钥在 {timezone.localtime(subscription.previous_secret_expires_at):%Y-%m-%d %H:%M} 前继续签名"
                 if grace > 0 else "旧密钥立即失效")
        audit_record(actor=by, action=AuditRecord.Action.UPDATE, target=subscription,
                     reason=f"轮换签名密钥（{until}）")
    return secret


# --- the outbox -------------------------------------------------------------------------------

def _body(event_type: str, data: dict, occurred_at: datetime.datetime) -> str:
    return json.dumps({"type": event_type, "timestamp": occurred_at.isoformat(), "data": data},
                      ensure_ascii=False, separators=(",", ":"), default=str)


def _enqueue(event_type: str, bodies: list[str], *, only=None) -> list[int]:
    """Delivery rows for this schema's active subscriptions to ``event_type`` (or ``only`` one):
    one per subscription and body."""
    subscriptions = [only] if only is not None else list(
        Subscription.objects.filter(is_active=True, event_types__contains=[event_type]).only("pk"))
    if not subscriptions:
        return []
    now = timezone.now()
    rows = Delivery.objects.bulk_create([
        Delivery(subscription=subscription, message_id="msg_" + uuid.uuid4().hex, event_type=event_type, body=body,
                 next_attempt_at=now, created_at=now)
        for body in bodies for subscription in subscriptions], batch_size=1000)
    _send_after_commit(connection.schema_name, [row.pk for row in rows])
    return [row.pk for row in rows]


def _send_after_commit(schema: str, delivery_ids: list[int], *, manual: bool = False) -> None:
    def send():
        from tenants.webhooks.tasks import deliver

        with schema_context(schema):
            for delivery_id in delivery_ids:
                try:
                    deliver.apply_async(args=[delivery_id], kwargs={"manual": manual})
                except Exception:  # the broker is down: the row waits for the sweeper
                    logger.warning("webhook delivery %s in %s not queued; the sweeper will send it",
                                   delivery_id, schema, exc_info=True)

    transaction.on_commit(send)


def emit(event_type: str, data: dict, *, school=None, schools=(), occurred_at: datetime.datetime | None = None
         ) -> int:
    """Announce ``event_type`` with ``data`` (already masked: tenants.webhooks.events) to the
    subscriptions that hear it, in the caller's transaction. Returns how many deliveries.

    A school's own event goes to the subscriptions of the schema the caller runs in (a school).
    A provincial event goes to the province's subscriptions and, when ``school`` is given, to that
    school's own (or to each of ``schools``: a circular's recipients) — never to any other school's.
    """
    return emit_many(event_type, [data], school=school, schools=schools, occurred_at=occurred_at)


def emit_many(event_type: str, items: list[dict], *, school=None, schools=(),
              occurred_at: datetime.datetime | None = None) -> int:
    """`emit` for several records at once (a roster import): one subscription query per schema."""
    occurred_at = occurred_at or timezone.now()
    bodies = [_body(event_type, data, occurred_at) for data in items]
    if not bodies:
        return 0
    if event_type not in PROVINCIAL_EVENTS:
        if _on_province():
            raise ValueError(f"{event_type} 是学校事件，不能在省级架构中发出。")
        return len(_enqueue(event_type, bodies))
    count = 0
    concerned = ([school] if school is not None else []) + list(schools)
    schemas = [get_public_schema_name()] + [each.schema_name for each in concerned]
    for schema in schemas:
        with schema_context(schema):
            count += len(_enqueue(event_type, bodies))
    return count


def subscription_test(*, subscription: Subscription, by) -> Delivery:
    """A `webhook.test` message to this subscription only (its page's 发送测试 button)."""
    if not subscription.is_active:
        raise Conflict("订阅已停用，请先启用再发送测试。")
    body = _body(TEST_EVENT, {"subscription_id": subscription.pk, "sent_by": actor_name(by)}, timezone.now())
    with transaction.atomic():
        [delivery_id] = _enqueue(TEST_EVENT, [body], only=subscription)
    return Delivery.objects.get(pk=delivery_id)


def _sending_lock_key(delivery_id: int) -> str:
    return f"webhook-delivery:{connection.schema_name}:{delivery_id}"


def delivery_redeliver(*, delivery: Delivery, by) -> Delivery:
    """Send a delivery again now (whatever its state): one more attempt, same `webhook-id`."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().select_related("subscription").get(pk=delivery.pk)
        if not delivery.subscription.is_active:
            raise Conflict("订阅已停用，请先启用再重新发送。")
        with connection.cursor() as cursor:  # a worker is posting it right now: wait for its outcome
            cursor.execute("SELECT pg_try_advisory_xact_lock(hashtext(%s))", [_sending_lock_key(delivery.pk)])
            if not cursor.fetchone()[0]:
                raise Conflict("这条消息正在发送中，请稍后查看结果再决定是否重新发送。")
        delivery.outcome, delivery.next_attempt_at = Delivery.Outcome.PENDING, timezone.now()
        delivery.save(update_fields=["outcome", "next_attempt_at"])
        audit_record(actor=by, action=AuditRecord.Action.UPDATE, target=delivery, reason="手动重新发送")
        _send_after_commit(connection.schema_name, [delivery.pk], manual=True)
    return delivery


# --- sending ----------------------------------------------------------------------------------

def backoff_seconds(attempts: int) -> int:
    """Wait before the next try after ``attempts`` failed ones: base × 2^(attempts−1), capped."""
    base = int(settings.WEBHOOK_RETRY_BASE_SECONDS)
    return min(base * 2 ** max(attempts - 1, 0), int(settings.WEBHOOK_RETRY_MAX_SECONDS))


def _post(url: str, headers: dict, body: str) -> tuple[int | None, int | None, str]:
    """(status code, milliseconds, error) of one POST; redirects are never followed."""
    import httpx

    if problem := target_problem(url):
        return None, None, problem
    timeout = float(settings.WEBHOOK_TIMEOUT_SECONDS)
    started = time.monotonic()
    try:
        with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client:
            with client.stream("POST", url, content=body.encode(), headers=headers) as response:
                code = response.status_code  # the answer's body is not read
    except httpx.TimeoutException:
        return None, int((time.monotonic() - started) * 1000), f"接收方在 {timeout:g} 秒内没有响应。"
    except httpx.HTTPError as exc:
        return None, int((time.monotonic() - started) * 1000), f"无法连接接收方（{type(exc).__name__}）。"
    elapsed = int((time.monotonic() - started) * 1000)
    if 200 <= code < 300:
        return code, elapsed, ""
    if 300 <= code < 400:
        return code, elapsed, f"接收方返回重定向 HTTP {code}（不跟随重定向）。"
    return code, elapsed, f"接收方返回 HTTP {code}。"


def delivery_attempt(delivery_id: int, *, manual: bool = False) -> Delivery | None:
    """One attempt at a pending delivery that is due (None when there is nothing to do: already
    sent, not due, its subscription off, or another worker holds it)."""
    now = timezone.now()
    lease = datetime.timedelta(seconds=float(settings.WEBHOOK_TIMEOUT_SECONDS) + 60)
    with transaction.atomic():
        delivery = (Delivery.objects.select_for_update(skip_locked=True, of=("self",)).select_related("subscription")
                    .filter(pk=delivery_id, outcome=Delivery.Outcome.PENDING).first())
        if delivery is None or not delivery.subscription.is_active:
            return None
        if delivery.next_attempt_at and delivery.next_attempt_at > now:
            return None
        delivery.next_attempt_at = now + lease  # held: the sweeper leaves it alone meanwhile
        delivery.save(update_fields=["next_attempt_at"])
    subscription = delivery.subscription
    timestamp = int(time.time())
    try:
        secrets = signing_secrets(subscription)
    except personal_data.PersonalDataUnreadable:  # a key left PERSONAL_DATA_KEY before rotation
        return _record(delivery.pk, code=None, elapsed=None, manual=manual,
                       error="签名密钥无法解密（PERSONAL_DATA_KEY 中缺少加密它的密钥），请轮换签名密钥。")
    headers = {"content-type": "application/json; charset=utf-8", "user-agent": USER_AGENT,
               "webhook-id": delivery.message_id, "webhook-timestamp": str(timestamp),
               "webhook-signature": signature_header(secrets, delivery.message_id, timestamp, delivery.body)}
    # Held while the request is out, so a manual redelivery meanwhile is refused instead of posting
    # the same message a second time (released with the session if the worker dies).
    key = _sending_lock_key(delivery.pk)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(hashtext(%s))", [key])
    try:
        code, elapsed, error = _post(subscription.url, headers, delivery.body)
        return _record(delivery.pk, code=code, elapsed=elapsed, error=error, manual=manual)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", [key])


def _record(delivery_id: int, *, code, elapsed, error: str, manual: bool) -> Delivery | None:
    now = timezone.now()
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().filter(pk=delivery_id).first()
        subscription = delivery and Subscription.objects.select_for_update().filter(pk=delivery.subscription_id).first()
        if subscription is None:  # the subscription was deleted while the request was under way
            return None
        Attempt.objects.create(delivery=delivery, at=now, status_code=code, response_ms=elapsed, error=error[:300],
                               manual=manual)
        delivery.attempts += 1
        delivery.last_status_code, delivery.last_response_ms, delivery.last_error = code, elapsed, error[:300]
        if not error:
            delivery.outcome, delivery.delivered_at, delivery.next_attempt_at = Delivery.Outcome.DELIVERED, now, None
            if subscription.consecutive_failures:
                Subscription.objects.filter(pk=subscription.pk).update(consecutive_failures=0)
        else:
            if delivery.attempts >= int(settings.WEBHOOK_MAX_ATTEMPTS):
                delivery.outcome, delivery.next_attempt_at = Delivery.Outcome.FAILED, None
            else:
                delivery.next_attempt_at = now + datetime.timedelta(seconds=backoff_seconds(delivery.attempts))
            subscription.consecutive_failures = F("consecutive_failures") + 1
            subscription.save(update_fields=["consecutive_failures"])
            subscription.refresh_from_db(fields=["consecutive_failures"])
            if subscription.is_active and subscription.consecutive_failures >= int(
                    settings.WEBHOOK_DISABLE_AFTER_FAILURES):
                _disable(subscription, error)
        delivery.save(update_fields=["attempts", "last_status_code", "last_response_ms", "last_error", "outcome",
                                     "delivered_at", "next_attempt_at"])
    return delivery


def _disable(subscription: Subscription, error: str) -> None:
    from tenants.accounts.models import User
    from tenants.accounts.services import notify

    subscription.is_active, subscription.disabled_at = False, timezone.now()
    subscription.disabled_reason = f"连续 {subscription.consecutive_failures} 次投递失败，已自动停用。最近一次：{error}"[:300]
    subscription.save(update_fields=["is_active", "disabled_at", "disabled_reason"])
    audit_record(actor=None, action=AuditRecord.Action.UPDATE, target=subscription,
                 changes={"is_active": [True, False]}, reason=subscription.disabled_reason)
    admins = User.objects.filter(is_active=True, roles__overlap=list(ADMIN_ROLES))
    notify(users=list(admins), link=f"/webhooks/{subscription.pk}/",
           message=f"Webhook 订阅 {subscription.url} 连续 {subscription.consecutive_failures} 次投递失败，"
                   f"已自动停用。请检查接收方后在 Webhook 页面重新启用。")


def due_delivery_ids(limit: int = 500) -> list[int]:
    """This schema's pending deliveries whose time has come (active subscriptions only)."""
    return list(Delivery.objects.filter(outcome=Delivery.Outcome.PENDING, next_attempt_at__lte=timezone.now(),
                                        subscription__is_active=True)
                .order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
