from tenants.admin_sites import ReadOnlyAdmin, school_admin_site
from tenants.finance.models import LedgerEntry


class LedgerEntryAdmin(ReadOnlyAdmin):
    """Read-only: entries come from the finance services (subsidies from the province) and are approved
    or sent back through the ledger workflow, never typed in or edited here."""

    list_display = ["occurred_on", "kind", "category", "amount", "description", "status"]
    list_filter = ["kind", "category", "status"]
    search_fields = ["description", "source_ref"]


school_admin_site.register(LedgerEntry, LedgerEntryAdmin)
