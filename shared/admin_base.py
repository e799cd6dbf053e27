from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records whose state belongs to a workflow: the admin shows and searches, the API acts (audited)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
