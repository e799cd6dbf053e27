from tenants.admin_sites import ReadOnlyAdmin, school_admin_site
from tenants.finance.models import LedgerEntry


class LedgerEntryAdmin(ReadOnlyAdmin):
    """Read-only: entries are written by the finance services (approved by someone other than their
    recorder; subsidies arrive from the province), never typed in here."""

    list_display = ["occurred_on", "kind", "category", "amount", "description", "status"]
    list_filter = ["kind", "category", "status"]
    search_fields = ["description", "source_ref"]


school_admin_site.register(LedgerEntry, LedgerEntryAdmin)
