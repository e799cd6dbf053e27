from django.contrib import admin

from shared.circulars.models import Circular, CircularItem, ItemReport
from tenants.admin_sites import ReadOnlyAdmin, SchoolFilter, province_admin_site


class ItemInline(admin.TabularInline):
    model = CircularItem
    extra = 0
    fields = ["order", "section_number", "number", "title"]
    readonly_fields = fields
    can_delete = False


class CircularAdmin(ReadOnlyAdmin):
    list_display = ["title", "doc_number", "issuer", "issued_on", "status", "published_at"]
    list_filter = ["status"]
    search_fields = ["title", "doc_number"]
    exclude = ["source_text"]
    inlines = [ItemInline]


class ItemReportAdmin(ReadOnlyAdmin):
    list_display = ["item", "school", "status", "updated_at"]
    list_filter = ["status", ("school", SchoolFilter), "item__circular"]
    search_fields = ["school__name"]


province_admin_site.register(Circular, CircularAdmin)
province_admin_site.register(ItemReport, ItemReportAdmin)
