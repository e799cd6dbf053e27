"""统一身份认证: the school admin's settings, and what a verified campus identity becomes here.

Every write is audited in the school's own schema. A refused sign-in writes nothing but its audit
record (who, which protocol, why), so an attack on one school's callback leaves a trace there.
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tenants import personal_data
from tenants.accounts.models import User
from tenants.accounts.roles import Role
from tenants.accounts.services import user_create
from tenants.audit.models import AuditRecord
from tenants.audit.services import audit_record, audit_update, field_values
from tenants.errors import Conflict
from tenants.members.models import Member
from tenants.sso.models import SsoLink, SsoSettings
from tenants.sso import protocols
from tenants.sso.protocols import Identity, SsoRefused, target_problem
from tenants.sso.selectors import sso_settings

SETTINGS_FIELDS = ["protocol", "button_label", "cas_server_url", "oidc_issuer", "oidc_client_id", "oidc_scopes",
                   "match_by", "username_attribute", "employee_number_attribute", "name_attribute",
                   "unknown_identity"]
#: who the audit names for what the campus IdP did (no account of ours acted)
SSO_ACTOR = "统一身份认证"


def _url_problem(value: str, what: str) -> str | None:
    from django.core.validators import URLValidator

    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return "请填写以 http:// 或 https:// 开头的完整地址。"
    return target_problem(value, what)  # no credentials, and no private address (SSRF)


def _link_kind(protocol: str) -> str:
    return SsoLink.Kind.OIDC if protocol == SsoSettings.Protocol.OIDC else SsoLink.Kind.CAS


def _idp_of(conf: SsoSettings) -> tuple[str, str]:
    """Which campus IdP the accounts' bound subjects come from (a change unbinds every account)."""
    if not conf.protocol:
        return "", ""
    if conf.protocol == SsoSettings.Protocol.OIDC:
        return SsoLink.Kind.OIDC, conf.oidc_issuer.rstrip("/")
    return SsoLink.Kind.CAS, conf.cas_server_url.rstrip("/")


@transaction.atomic
def sso_settings_update(*, by, client_secret: str | None = None, **fields) -> SsoSettings:
    """Change this school's settings (audited; the secret is stored encrypted and never repeated).

    ``client_secret``: None keeps the stored one, "" removes it, anything else replaces it.
    """
    conf = SsoSettings.objects.select_for_update().get(pk=1)
    unknown = set(fields) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValidationError({name: "不能修改该项。" for name in unknown})
    before = field_values(conf, SETTINGS_FIELDS)
    idp_before = _idp_of(conf)
    for name, value in fields.items():
        setattr(conf, name, value.strip() if isinstance(value, str) else value)
    errors = {}
    choices = {"protocol": SsoSettings.Protocol, "match_by": SsoSettings.MatchBy,
               "unknown_identity": SsoSettings.Unknown}
    for name, enum in choices.items():
        if getattr(conf, name) not in enum.values:
            errors[name] = "只能是：" + "、".join(str(label) for label in enum.labels) + "。"
    if not conf.button_label:
        errors["button_label"] = "登录按钮文字不能为空。"
    for name in ("button_label", "oidc_client_id", "oidc_scopes", "username_attribute",
                 "employee_number_attribute", "name_attribute"):
        limit = SsoSettings._meta.get_field(name).max_length
        if len(getattr(conf, name)) > limit:
            errors[name] = f"不能超过 {limit} 个字符。"
    if conf.protocol in (SsoSettings.Protocol.CAS2, SsoSettings.Protocol.CAS3):
        if not conf.cas_server_url:
            errors["cas_server_url"] = "使用 CAS 时须填写 CAS 服务器地址。"
        elif problem := _url_problem(conf.cas_server_url, "CAS 服务器地址"):
            errors["cas_server_url"] = problem
    if conf.protocol == SsoSettings.Protocol.OIDC:
        if not conf.oidc_issuer:
            errors["oidc_issuer"] = "使用 OpenID Connect 时须填写签发者（Issuer）地址。"
        elif problem := _url_problem(conf.oidc_issuer, "OIDC 签发者地址"):
            errors["oidc_issuer"] = problem
        if not conf.oidc_client_id:
            errors["oidc_client_id"] = "使用 OpenID Connect 时须填写客户端 ID。"
        if "openid" not in conf.oidc_scopes.split():
            errors["oidc_scopes"] = "OIDC 范围须包含 openid。"
        if client_secret == "" or (client_secret is None and not conf.oidc_client_secret_encrypted):
            errors["client_secret"] = "使用 OpenID Connect 时须填写客户端密钥。"
    try:
        old_secret = personal_data.decrypt(conf.oidc_client_secret_encrypted)
    except personal_data.PersonalDataUnreadable:  # encrypted with a key no longer configured
        old_secret = None
        if conf.protocol == SsoSettings.Protocol.OIDC and client_secret is None:
            errors["client_secret"] = "原客户端密钥无法解密（加密密钥已更换），请重新填写客户端密钥。"
    if client_secret is not None and len(client_secret) > 500:
        errors["client_secret"] = "客户端密钥不能超过 500 个字符。"
    if errors:
        raise ValidationError(errors)
    secret_changed = client_secret is not None and (
        client_secret == "" and conf.oidc_client_secret_encrypted
        or client_secret and client_secret != old_secret)
    if client_secret is not None:
        conf.oidc_client_secret_encrypted = personal_data.encrypt(client_secret)
    conf.updated_at = timezone.now()
    conf.save()
    for issuer in {before.get("oidc_issuer") or "", conf.oidc_issuer}:
        protocols.forget_metadata(issuer)
    unlinked = 0
    if _idp_of(conf) != idp_before:  # another campus IdP: its subjects are not the old one's
        unlinked, _ = SsoLink.objects.all().delete()
    if unlinked:
        audit_record(actor=by, action=AuditRecord.Action.UPDATE, target=conf,
                     changes={"sso_links": [f"{unlinked} 个账号已绑定", "已全部解除（统一身份认证服务器已更换）"]})
    if audit_update(actor=by, target=conf, before=before) is None and not secret_changed:
        return conf
    if secret_changed:  # the secret itself is never written to the audit, only that it changed
        audit_record(actor=by, action=AuditRecord.Action.UPDATE, target=conf,
                     changes={"oidc_client_secret": ["（已隐藏）", "（已更换）" if client_secret else "（已清除）"]})
    return conf


def client_secret_of(conf: SsoSettings) -> str:
    try:
        return personal_data.decrypt(conf.oidc_client_secret_encrypted)
    except personal_data.PersonalDataUnreadable:
        raise SsoRefused("本校统一身份认证的客户端密钥无法解密，请管理员重新填写。", "oidc_secret_unreadable") from None


# --- sign-in --------------------------------------------------------------------------------------

def audit_refusal(*, protocol: str, code: str, message: str, identity: Identity | None = None,
                  host: str = "") -> None:
    """The refused attempt, in its own transaction (nothing else of the attempt is written)."""
    with transaction.atomic():
        who = f"“{identity.username or identity.subject}”" if identity else "（未验证）"
        AuditRecord.objects.create(
            actor=None, actor_name=SSO_ACTOR, action=AuditRecord.Action.REFUSED,
            target_type="sso.ssosettings", target_id="1", target_repr="统一身份认证登录",
            reason=f"拒绝登录 [{code}] {protocol} 身份{who} 主机 {host}：{message}"[:1000],
        )


class UnknownIdentity(Exception):
    """A verified campus identity with no member or account here."""


def _member_for(number: str) -> Member | None:
    if not number:
        return None
    number = personal_data.normalize_text(number)
    return Member.objects.select_related("user").filter(employee_number=number).first()


def _account_for(identity: Identity, conf: SsoSettings) -> User | None:
    if conf.match_by == SsoSettings.MatchBy.USERNAME:
        if identity.username:  # exactly this username: "Admin" is not "admin"
            return User.objects.filter(username=identity.username).first()
        return None
    member = _member_for(identity.employee_number)
    return member.user if member is not None else None


ADMIN_ACCOUNT = "管理员账号请使用密码登录，不能通过统一身份认证登录。"
SUBJECT_MISMATCH = "该账号已绑定另一个统一身份认证身份，不能用当前身份登录。如有疑问，请联系校工会。"


def _is_admin_account(user: User) -> bool:
    return bool(user.is_host_admin or user.is_staff or user.is_superuser)


def _bind(user: User, identity: Identity, conf: SsoSettings) -> bool:
    """Check ``identity`` against the subject bound to ``user`` (binding it the first time): True if
    bound now. Raises SsoRefused when the account or the subject is bound to someone else."""
    kind = _link_kind(conf.protocol)
    if not identity.subject:
        raise SsoRefused("统一身份认证未提供身份标识，已拒绝登录。", "no_subject")
    link = SsoLink.objects.select_for_update().filter(user=user).first()
    if link is not None:
        if link.kind != kind or link.subject != identity.subject:
            raise SsoRefused(SUBJECT_MISMATCH, "subject_mismatch")
        return False
    if SsoLink.objects.filter(kind=kind, subject=identity.subject).exists():
        # this campus identity already entered another account here
        raise SsoRefused(SUBJECT_MISMATCH.replace("该账号已绑定另一个统一身份认证身份",
                                                  "当前统一身份认证身份已绑定本校另一个账号"), "subject_mismatch")
    SsoLink.objects.create(user=user, kind=kind, subject=identity.subject)
    return True


@transaction.atomic
def sso_sign_in(*, identity: Identity) -> tuple[User, bool]:
    """The account a verified identity signs into: (user, created). Raises UnknownIdentity or SsoRefused.

    A known member with no account yet gets one now, with the member role, linked to the member.
    """
    conf = sso_settings()
    user = _account_for(identity, conf)
    if user is not None:
        if not user.is_active:
            raise SsoRefused("该账号已停用，请联系校工会。", "account_inactive")
        if _is_admin_account(user):
            raise SsoRefused(ADMIN_ACCOUNT, "admin_account")
        bound = _bind(user, identity, conf)
        audit_record(actor=user, action=AuditRecord.Action.SIGN_IN, target=user,
                     reason=f"统一身份认证登录（{conf.get_protocol_display()}）"
                            + ("，首次登录，已绑定统一身份认证身份" if bound else ""))
        return user, False
    member = _member_for(identity.employee_number)
    if member is None or member.user_id or member.status != Member.Status.ACTIVE:
        raise UnknownIdentity()
    username = identity.username or member.employee_number
    if User.objects.filter(username__iexact=username).exists():
        username = member.employee_number
    if User.objects.filter(username__iexact=username).exists():
        raise SsoRefused(f"用户名“{username}”已被本校其他账号使用，请联系校工会。", "username_taken")
    user, _ = user_create(username=username, roles=[Role.MEMBER], by=None, full_name=member.name)
    user.set_unusable_password()  # this person signs in through the campus IdP
    user.save(update_fields=["password"])
    _bind(user, identity, conf)
    before = field_values(member, ["user"])
    member.user = user
    member.save(update_fields=["user"])
    audit_update(actor=None, target=member, before=before, reason="统一身份认证首次登录，创建会员账号")
    return user, True


@transaction.atomic
def sso_apply(*, identity: Identity, branch, gender: str, employment_type: str, phone: str = "",
              statement: str = ""):
    """An unknown campus identity asks to join (the school chose 转为入会申请): an account without
    roles is made for them and submits the 入会申请; approving it links the account and grants 会员."""
    from tenants.members.services import application_submit

    if not identity.employee_number:
        raise ValidationError({"employee_number": "统一身份认证未提供工号，无法提交入会申请，请联系校工会。"})
    if User.objects.filter(username__iexact=identity.username).exists():
        raise Conflict("该统一身份认证账号已提交过入会申请，请等待校工会审核。", field="employee_number")
    user, _ = user_create(username=identity.username or identity.employee_number, roles=[], by=None,
                          full_name=identity.name)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    try:  # approved later, the account is entered by this subject only
        _bind(user, identity, sso_settings())
    except SsoRefused as refused:
        raise Conflict(refused.message, field="employee_number") from None
    return application_submit(by=user, branch=branch, statement=statement, name=identity.name,
                              gender=gender, employee_number=identity.employee_number,
                              employment_type=employment_type, phone=phone)
