from tenants.sso.models import SsoSettings


def sso_settings() -> SsoSettings:
    """This school's settings row (the migration writes it; every school has exactly one)."""
    return SsoSettings.objects.get(pk=1)
