"""统一身份认证 (campus single sign-on): one settings row per school, in the school's own schema.

The row lives in TENANT_APPS only, so a school's IdP, client and secret are invisible from every
other host: the callback on a host reads the settings of that host and nothing else.
"""
from django.db import models
from django.utils import timezone


class SsoSettings(models.Model):
    class Protocol(models.TextChoices):
        OFF = "", "未启用"
        CAS2 = "cas2", "CAS 2.0"
        CAS3 = "cas3", "CAS 3.0"
        OIDC = "oidc", "OpenID Connect"

    class MatchBy(models.TextChoices):
        USERNAME = "username", "用户名"
        EMPLOYEE_NUMBER = "employee_number", "工号"

    class Unknown(models.TextChoices):
        REFUSE = "refuse", "拒绝登录"
        APPLY = "apply", "转为入会申请"

    protocol = models.CharField("协议", max_length=8, choices=Protocol.choices, default=Protocol.OFF, blank=True)
    button_label = models.CharField("登录按钮文字", max_length=40, default="统一身份认证登录")
    cas_server_url = models.URLField("CAS 服务器地址", blank=True, help_text="如 https://cas.example.edu.cn/cas/")
    oidc_issuer = models.URLField("OIDC 签发者（Issuer）", blank=True,
                                  help_text="其下 /.well-known/openid-configuration 为发现文档")
    oidc_client_id = models.CharField("OIDC 客户端 ID", max_length=200, blank=True)
    # the client secret: ciphertext only (tenants/personal_data.py keys), never shown again
    oidc_client_secret_encrypted = models.TextField("OIDC 客户端密钥（密文）", blank=True)
    oidc_scopes = models.CharField("OIDC 范围", max_length=200, default="openid profile")
    match_by = models.CharField("对应本校账号的方式", max_length=16, choices=MatchBy.choices,
                                default=MatchBy.USERNAME)
    username_attribute = models.CharField(
        "用户名属性", max_length=64, blank=True,
        help_text="留空：CAS 取登录名（user），OIDC 取 preferred_username")
    employee_number_attribute = models.CharField(
        "工号属性", max_length=64, default="employee_number",
        help_text="CAS 属性或 OIDC 声明的名称；留空则用户名即工号")
    name_attribute = models.CharField("姓名属性", max_length=64, default="name")
    unknown_identity = models.CharField("未知身份的处理", max_length=8, choices=Unknown.choices,
                                        default=Unknown.REFUSE)
    updated_at = models.DateTimeField("修改时间", default=timezone.now)

    class Meta:
        verbose_name = "统一身份认证设置"
        verbose_name_plural = "统一身份认证设置"

    def __str__(self):
        return "统一身份认证设置"

    @property
    def enabled(self) -> bool:
        return bool(self.protocol)

    @property
    def has_client_secret(self) -> bool:
        return bool(self.oidc_client_secret_encrypted)


class SsoLink(models.Model):
    """The campus identity an account is bound to, recorded at its first 统一身份认证 sign-in.

    The username an IdP sends (OIDC's preferred_username above all) is neither unique nor stable and
    often editable by its holder; the subject (OIDC ``sub``, the CAS user) is what the IdP vouches
    for. Once bound, an account is entered through 统一身份认证 by that subject only.
    """

    class Kind(models.TextChoices):
        CAS = "cas", "CAS"
        OIDC = "oidc", "OpenID Connect"

    user = models.OneToOneField("accounts.User", verbose_name="账号", on_delete=models.CASCADE,
                                related_name="sso_link")
    kind = models.CharField("协议", max_length=8, choices=Kind.choices)
    subject = models.CharField("统一身份认证标识", max_length=255)
    linked_at = models.DateTimeField("绑定时间", default=timezone.now)

    class Meta:
        verbose_name = "统一身份认证绑定"
        verbose_name_plural = "统一身份认证绑定"
        constraints = [models.UniqueConstraint(fields=["kind", "subject"], name="sso_link_unique_subject")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.subject}"
