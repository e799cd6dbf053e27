from tenants.apikeys.models import ApiKey


def api_keys():
    """The keys of this host, newest first (revoked and expired included: they stay for the record)."""
    return ApiKey.objects.select_related("created_by")
