"""Accounts: creating users, granting roles, issuing and revoking API tokens."""
from __future__ import annotations

import secrets

from django.contrib.auth import password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from rest_framework.authtoken.models import Token

from tenants.accounts.models import User
from tenants.accounts.roles import ADMIN_ROLES, Role, is_staff_for, roles_of_this_host
from tenants.audit.services import audit_create, audit_record, audit_update, field_values
from tenants.errors import Conflict


def generate_password() -> str:
    return secrets.token_urlsafe(12)


def _validate_roles(roles) -> list[str]:
    allowed = roles_of_this_host()
    unknown = [r for r in roles if r not in allowed]
    if unknown:
        names = "、".join(Role(r).label if r in Role.values else str(r) for r in unknown)
        raise ValidationError({"roles": f"本站点不能授予这些角色：{names}。"})
    return sorted(set(roles))


@transaction.atomic
def user_create(*, username: str, roles, by, password: str | None = None, full_name: str = "",
                phone: str = "") -> tuple[User, str | None]:
    """Create an account on the current host; returns (user, generated password or None)."""
    try:
        UnicodeUsernameValidator()(username or "")
    except ValidationError:
        raise ValidationError({"username": "用户名只能包含字母、数字和 @/./+/-/_ 字符。"})
    if not username or len(username) > 150:
        raise ValidationError({"username": "用户名不能为空，且不超过 150 个字符。"})
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(f"用户名“{username}”已存在。", field="username")
    roles = _validate_roles(roles)
    generated = None
    if not password:
        password = generated = generate_password()
    user = User(username=username, full_name=full_name, phone=phone, roles=roles)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": list(exc.messages)})
    user.is_staff = is_staff_for(roles)
    user.set_password(password)
    user.save()
    audit_create(actor=by, target=user, fields=["username", "full_name", "roles"])
    return user, generated


@transaction.atomic
def user_grant_roles(*, user: User, roles, by) -> User:
    """Add ``roles`` to the user's roles (audited); nothing happens when they already hold them."""
    wanted = set(user.roles) | set(roles)
    if wanted == set(user.roles):
        return user
    before = field_values(user, ["roles", "is_staff"])
    user.roles = _validate_roles(wanted)
    user.is_staff = is_staff_for(user.roles)
    user.save(update_fields=["roles", "is_staff"])
    audit_update(actor=by, target=user, before=before, reason="授予角色")
    return user


USER_EDITABLE = ["full_name", "phone", "email", "is_active", "roles"]


@transaction.atomic
def user_update(*, user: User, by, **fields) -> User:
    """Change an account's profile, roles or active flag (audited); ``is_staff`` follows the roles."""
    from tenants.personal_data import phone_problem

    unknown = set(fields) - set(USER_EDITABLE)
    if unknown:
        raise ValidationError({key: "该字段不能修改。" for key in unknown})
    errors = {}
    if "phone" in fields and phone_problem(fields["phone"] or ""):
        errors["phone"] = phone_problem(fields["phone"])
    if fields.get("email"):
        try:
            validate_email(fields["email"])
        except ValidationError:
            errors["email"] = "邮箱格式不正确。"
    # An admin who takes away their own admin role or account locks the host out of its admin.
    acting_on_self = by is not None and by.pk == user.pk
    if acting_on_self and "roles" in fields and not set(fields["roles"]) & ADMIN_ROLES and user.is_host_admin:
        errors["roles"] = "不能撤销自己的管理员角色。"
    if acting_on_self and fields.get("is_active") is False:
        errors["is_active"] = "不能停用自己的账号。"
    if errors:
        raise ValidationError(errors)
    before = field_values(user, [*USER_EDITABLE, "is_staff"])
    if "roles" in fields:
        fields["roles"] = _validate_roles(fields["roles"])
        user.is_staff = is_staff_for(fields["roles"])
    for key, value in fields.items():
        setattr(user, key, value)
    user.save(update_fields=[*fields, "is_staff"])  # a password changed meanwhile stays changed
    if fields.get("is_active") is False:
        Token.objects.filter(user=user).delete()
    audit_update(actor=by, target=user, before=before)
    return user


@transaction.atomic
def user_set_password(*, user: User, by, password: str | None) -> User:
    """Set a new password, or with ``None`` turn password login off for the account (audited, the
    password itself never recorded). The caller has run the password validators on it."""
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save(update_fields=["password"])
    # A reset usually follows a lost or leaked password: the tokens issued under it stop working.
    Token.objects.filter(user=user).delete()
    audit_record(actor=by, action="update", target=user, reason="修改密码" if password else "停用密码登录")
    return user


def notify(*, users, message: str, link: str = "", kind: str | None = None) -> None:
    """A message in each user's inbox on this host (cut to fit, never failing the caller) — and by
    e-mail to those with an address whose preferences want this ``kind`` (待办 "todo", 逾期提醒
    "reminder", 办理结果 "result"; read from the message when not given): the outbox rows are written
    in the caller's transaction and sent after it commits (tenants/mail/services.py)."""
    from tenants.accounts.models import Notification
    from tenants.mail.services import mail_notifications

    text = message if len(message) <= 300 else message[:299] + "…"
    rows = Notification.objects.bulk_create([Notification(user=user, message=text, link=link[:200]) for user in users])
    mail_notifications(rows, kind=kind)


def notification_mark_read(*, user, notification_id=None) -> int:
    """Mark one of ``user``'s notifications read (or all of them when no id is given); how many
    changed. Someone else's notification is simply not found, never marked."""
    from django.utils import timezone

    from tenants.accounts.models import Notification

    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        rows = rows.filter(pk=notification_id)
    return rows.update(read_at=timezone.now())


def token_for(*, user: User) -> Token:
    token, _ = Token.objects.get_or_create(user=user)
    return token


def token_revoke(*, user: User) -> bool:
    deleted, _ = Token.objects.filter(user=user).delete()
    return bool(deleted)
