"""E-mail for notifications (issue #13, point 4).

- `mail_notifications` (called by tenants.accounts.services.notify, in the caller's transaction)
  writes, for each person with an address whose preferences want this kind, either an outbox row
  (`OutgoingMail`, immediately) or a `DigestEntry` (daily digest). The mail's text is rendered then:
  Chinese, with the link absolute to this host (a school person's link points at their school).
- After the transaction commits, a Celery task per mail calls `deliver`, which claims the row with
  one conditional UPDATE (sets `claimed_at` where nothing is set yet), sends it over SMTP, and
  marks it sent. A mail is sent at
  most once: only the worker whose UPDATE matched sends it. An SMTP failure puts it back in the queue
  with exponential backoff; `sweep_outbox` (beat, every host) sends whatever is due.
- `send_daily_digests` (beat, every host) gathers each person's waiting entries into one mail.

Logs name mails by id and errors by class: never an address, a name or a message text.
"""
from __future__ import annotations

import datetime
import logging
import smtplib
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from tenants.accounts.links import page_path
from tenants.mail.kinds import Kind, kind_of
from tenants.mail.models import Delivery, DigestEntry, OutgoingMail, Preference

logger = logging.getLogger(__name__)

PREFERENCES_PATH = "/mail-preferences/"
SUBJECT_TEXT = 40


# --- where this host is --------------------------------------------------------------------------

def host_site() -> tuple[str, str]:
    """(the name people know this host by, its absolute base URL) for the schema in use."""
    from tenants.models import Domain

    schema = connection.schema_name
    port = f":{settings.SITE_PORT}" if settings.SITE_PORT else ""
    if schema == get_public_schema_name():
        return settings.PROVINCE_NAME, f"{settings.SITE_SCHEME}://{settings.BASE_DOMAIN}{port}"
    domain = (Domain.objects.filter(tenant__schema_name=schema).select_related("tenant")
              .order_by("-is_primary", "id").first())
    if domain is None:  # a school with no domain cannot be linked to; never another host's address
        raise RuntimeError(f"架构 {schema} 没有域名，无法生成邮件链接。")
    return f"{domain.tenant.name}工会", f"{settings.SITE_SCHEME}://{domain.domain}{port}"


def absolute_link(base_url: str, link: str) -> str:
    path = page_path(link)
    if not path:
        path = "/" if connection.schema_name == get_public_schema_name() else "/notifications/"
    return base_url + path


# --- preferences ---------------------------------------------------------------------------------

def preference_of(user) -> Preference:
    """The person's preferences (unsaved defaults when they never changed them)."""
    return Preference.objects.filter(user=user).first() or Preference(user=user)


PREFERENCE_FIELDS = ("todo", "reminder", "result", "delivery")


@transaction.atomic
def preference_update(*, user, by, **fields) -> Preference:
    """Change ``user``'s own preferences (only they may: ``by`` must be ``user``); audited."""
    from tenants.audit.services import audit_create, audit_update, field_values

    if by is None or by.pk != user.pk:
        raise ValidationError({"user": "只能修改自己的邮件提醒设置。"})
    unknown = set(fields) - set(PREFERENCE_FIELDS)
    if unknown:
        raise ValidationError({key: "该字段不能修改。" for key in sorted(unknown)})
    errors = {}
    for key in ("todo", "reminder", "result"):
        if key in fields and not isinstance(fields[key], bool):
            errors[key] = "请填写 true 或 false。"
    if "delivery" in fields and fields["delivery"] not in Delivery.values:
        errors["delivery"] = "发送方式只能是“即时发送”（immediate）或“每日汇总”（daily_digest）。"
    if errors:
        raise ValidationError(errors)
    preference = Preference.objects.select_for_update().filter(user=user).first()
    if preference is None:
        preference = Preference.objects.create(user=user, **fields)
        audit_create(actor=by, target=preference, fields=list(PREFERENCE_FIELDS))
        return preference
    before = field_values(preference, list(PREFERENCE_FIELDS))
    for key, value in fields.items():
        setattr(preference, key, value)
    preference.save()
    audit_update(actor=by, target=preference, before=before, reason="修改邮件提醒设置")
    return preference


# --- from notification to outbox ---------------------------------------------------------------

def _body(user, site: str, message: str, url: str, preferences_url: str) -> str:
    return (f"{user.full_name or user.username}，您好：\n\n{message}\n\n查看详情：{url}\n\n"
            f"—— {site}（教育工会云）\n"
            f"本邮件由系统自动发送，请勿直接回复。修改邮件提醒设置：{preferences_url}\n")


def _subject(site: str, kind: str, message: str) -> str:
    text = message if len(message) <= SUBJECT_TEXT else message[:SUBJECT_TEXT - 1] + "…"
    return f"【{site}】{Kind(kind).label}：{text}"[:200]


def mail_notifications(notifications, *, kind: str | None = None) -> list[OutgoingMail]:
    """The mails (or digest entries) for notifications just written; sent after the commit."""
    if not settings.MAIL_ENABLED:
        return []
    rows = [n for n in notifications if n.user.email and n.user.is_active]
    if not rows:
        return []
    kind = kind or kind_of(rows[0].message)
    try:
        site, base_url = host_site()
    except RuntimeError as exc:  # notify never fails its caller: the notification stays in-app
        logger.warning("%s", exc)
        return []
    preferences = {p.user_id: p for p in Preference.objects.filter(user_id__in={n.user_id for n in rows})}
    mails, entries = [], []
    for notification in rows:
        user = notification.user
        preference = preferences.get(user.pk) or Preference(user=user)
        if not preference.wants(kind):
            continue
        url = absolute_link(base_url, notification.link)
        if preference.delivery == Delivery.DAILY_DIGEST:
            entries.append(DigestEntry(notification=notification, user=user, kind=kind, url=url))
        else:
            mails.append(OutgoingMail(user=user, to=user.email, kind=kind, subject=_subject(site, kind, notification.message),
                                      body=_body(user, site, notification.message, url, base_url + PREFERENCES_PATH)))
    DigestEntry.objects.bulk_create(entries)
    OutgoingMail.objects.bulk_create(mails)
    send_after_commit([m.pk for m in mails])
    return mails


def send_after_commit(mail_ids) -> None:
    """Hand each mail to Celery once the transaction that wrote it commits. A broker that does not
    take it loses nothing: the row stays queued and the sweeper sends it."""
    if not mail_ids:
        return
    schema = connection.schema_name

    def enqueue():
        from tenants.mail.tasks import send_outgoing_mail

        for mail_id in mail_ids:
            try:
                send_outgoing_mail.apply_async(args=[mail_id], headers={"_schema_name": schema})
            except Exception as exc:  # noqa: BLE001 — the broker; the sweeper sends it later
                logger.warning("邮件 %s 未能交给任务队列（%s），稍后由定时任务发送。", mail_id, type(exc).__name__)

    transaction.on_commit(enqueue)


# --- sending ---------------------------------------------------------------------------------------

def _backoff(attempts: int) -> int:
    return min(settings.MAIL_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), settings.MAIL_RETRY_MAX_SECONDS)


def _smtp_code(exc: Exception) -> int | None:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):  # {address: (code, text)}: one recipient here
        return next((code for code, _ in exc.recipients.values()), None)
    return getattr(exc, "smtp_code", None)


def _error_text(exc: Exception) -> str:
    """What went wrong, without the addresses an SMTP error may quote."""
    code = _smtp_code(exc)
    return f"{type(exc).__name__}{f' {code}' if code else ''}"


def _permanent(exc: Exception) -> bool:
    """A 5xx answer (no such mailbox, refused) will not change by trying again; a 4xx or a server
    that cannot be reached may."""
    code = _smtp_code(exc)
    return isinstance(code, int) and code >= 500


def waiting():
    """This host's mails not yet taken for sending, sent or given up."""
    return OutgoingMail.objects.filter(claimed_at__isnull=True, sent_at__isnull=True, failed_at__isnull=True)


def deliver(mail_id: int) -> int | None:
    """Send one waiting, due mail at most once. Returns the seconds until its retry when the SMTP
    server failed and it will be tried again; None otherwise (sent, not due, or already taken)."""
    now = timezone.now()
    claimed = waiting().filter(pk=mail_id, next_attempt_at__lte=now).update(claimed_at=now,
                                                                           attempts=F("attempts") + 1)
    if not claimed:
        return None
    mail = OutgoingMail.objects.get(pk=mail_id)
    try:
        message = EmailMessage(subject=mail.subject, body=mail.body, from_email=settings.DEFAULT_FROM_EMAIL,
                               to=[mail.to], connection=get_connection(timeout=settings.EMAIL_TIMEOUT))
        message.send()
    except (smtplib.SMTPException, OSError) as exc:
        error = _error_text(exc)
        if mail.attempts >= settings.MAIL_MAX_ATTEMPTS or _permanent(exc):
            OutgoingMail.objects.filter(pk=mail_id).update(failed_at=timezone.now(), last_error=error)
            logger.error("邮件 %s 发送失败 %s 次，已放弃：%s", mail_id, mail.attempts, error)
            return None
        delay = _backoff(mail.attempts)
        OutgoingMail.objects.filter(pk=mail_id).update(
            claimed_at=None, last_error=error, next_attempt_at=timezone.now() + datetime.timedelta(seconds=delay))
        logger.warning("邮件 %s 第 %s 次发送失败（%s），%s 秒后重试。", mail_id, mail.attempts, error, delay)
        return delay
    OutgoingMail.objects.filter(pk=mail_id).update(sent_at=timezone.now(), last_error="")
    logger.info("邮件 %s 已发送。", mail_id)
    return None


def sweep_outbox(*, limit: int = 200) -> int:
    """Send this host's due mails (retries, and mails whose task never reached the broker); mails
    claimed long ago by a worker that never reported are marked failed, never sent again. Returns
    how many were sent."""
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=settings.MAIL_CLAIM_TIMEOUT_SECONDS)
    OutgoingMail.objects.filter(claimed_at__lt=stale, sent_at__isnull=True, failed_at__isnull=True).update(
        failed_at=now, last_error="发送中断，结果未知；为免重复不再发送")
    due = list(waiting().filter(next_attempt_at__lte=now).order_by("next_attempt_at", "id")
               .values_list("pk", flat=True)[:limit])
    sent = 0
    for mail_id in due:
        deliver(mail_id)
        sent += OutgoingMail.objects.filter(pk=mail_id, sent_at__isnull=False).exists()
    return sent


# --- the daily digest ----------------------------------------------------------------------------

def _digest_body(user, site: str, entries, preferences_url: str) -> str:
    lines = [f"{user.full_name or user.username}，您好：", "", f"以下是您在{site}今天收到的 {len(entries)} 条通知：", ""]
    for number, entry in enumerate(entries, 1):
        when = timezone.localtime(entry.notification.created).strftime("%H:%M")
        lines += [f"{number}. [{Kind(entry.kind).label}] {entry.notification.message}（{when}）", f"   {entry.url}", ""]
    lines += [f"—— {site}（教育工会云）", f"本邮件由系统自动发送，请勿直接回复。修改邮件提醒设置：{preferences_url}", ""]
    return "\n".join(lines)


def send_daily_digests(*, today: datetime.date | None = None) -> int:
    """One mail per person gathering their notifications still waiting for a digest; how many mails."""
    if not settings.MAIL_ENABLED:
        return 0
    today = today or timezone.localdate()
    site, base_url = host_site()
    made = []
    with transaction.atomic():
        pending = list(DigestEntry.objects.select_for_update(of=("self",), skip_locked=True)
                       .filter(mail__isnull=True).select_related("user", "notification").order_by("user_id", "created", "id"))
        by_user = defaultdict(list)
        for entry in pending:
            by_user[entry.user_id].append(entry)
        for entries in by_user.values():
            user = entries[0].user
            if not user.email or not user.is_active:
                DigestEntry.objects.filter(pk__in=[e.pk for e in entries]).delete()
                continue
            mail = OutgoingMail.objects.create(
                user=user, to=user.email, kind=OutgoingMail.DIGEST,
                subject=f"【{site}】{today.month}月{today.day}日通知汇总（{len(entries)} 条）",
                body=_digest_body(user, site, entries, base_url + PREFERENCES_PATH))
            DigestEntry.objects.filter(pk__in=[e.pk for e in entries]).update(mail=mail)
            made.append(mail.pk)
        send_after_commit(made)
    return len(made)
