"""Accounts: creating users, granting roles, issuing and revoking API tokens."""
from __future__ import annotations

import secrets

from django.contrib.auth import password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction
from rest_framework.authtoken.models import Token

from tenants.accounts.models import User
from tenants.accounts.roles import Role, is_staff_for, roles_of_this_host
from tenants.audit.services import audit_create, audit_update, field_values
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


def notify(*, users, message: str, link: str = "") -> None:
    """A message in each user's inbox on this host (cut to fit, never failing the caller)."""
    from tenants.accounts.models import Notification

    text = message if len(message) <= 300 else message[:299] + "…"
    Notification.objects.bulk_create([Notification(user=user, message=text, link=link[:200]) for user in users])


def token_for(*, user: User) -> Token:
    token, _ = Token.objects.get_or_create(user=user)
    return token


def token_revoke(*, user: User) -> bool:
    deleted, _ = Token.objects.filter(user=user).delete()
    return bool(deleted)
