import datetime

from tenants.accounts.models import User
from tenants.audit.models import AuditRecord
from tenants.members.models import Branch, Member, MembershipApplication
from tenants.sso.services import sso_settings_update
from tests.conftest import in_schema
from tests.sso.conftest import OIDC_CLIENTS


def configure_oidc(school, idp, **extra):
    client_id, secret = OIDC_CLIENTS[school.slug]
    with in_schema(school):
        return sso_settings_update(by=None, protocol="oidc", oidc_issuer=idp.issuer, oidc_client_id=client_id,
                                   client_secret=secret, **extra)


def configure_cas(school, cas, version="cas3", **extra):
    with in_schema(school):
        return sso_settings_update(by=None, protocol=version, cas_server_url=cas.url, **extra)


def add_member(school, name, number, user=None):
    with in_schema(school):
        branch = Branch.objects.first() or Branch.objects.create(name="机关分工会")
        return Member.objects.create(name=name, gender="male", employee_number=number, branch=branch,
                                     employment_type="staff", join_date=datetime.date(2020, 9, 1), user=user)


def counts(school) -> dict:
    """What a sign-in may write, to check that a refused one wrote nothing but its audit record."""
    with in_schema(school):
        return {"users": User.objects.count(), "members_linked": Member.objects.exclude(user=None).count(),
                "applications": MembershipApplication.objects.count()}


def refusals(school) -> list[str]:
    with in_schema(school):
        return list(AuditRecord.objects.filter(target_type="sso.ssosettings", actor_name="统一身份认证")
                    .values_list("reason", flat=True))
