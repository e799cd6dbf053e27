from django.contrib import admin

from tenants.admin_sites import school_admin_site
from tenants.finance.models import LedgerEntry


class LedgerEntryAdmin(admin.ModelAdmin):
    list_display = ["occurred_on", "kind", "category", "amount", "description", "status"]
    list_filter = ["kind", "category", "status"]
    search_fields = ["description", "source_ref"]
    readonly_fields = ["source_ref", "recorded_by", "created"]


school_admin_site.register(LedgerEntry, LedgerEntryAdmin)
