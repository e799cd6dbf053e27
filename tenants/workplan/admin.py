from tenants.admin_sites import ReadOnlyAdmin, school_admin_site
from tenants.workplan.models import Plan, Task, TaskNote


class PlanAdmin(ReadOnlyAdmin):
    list_display = ["year", "title", "doc_number", "source", "created_at"]


class TaskAdmin(ReadOnlyAdmin):
    list_display = ["plan", "order", "title", "origin", "month", "due_on", "status", "progress", "is_pledge"]
    list_filter = ["status", "origin", "is_pledge"]
    raw_id_fields = ["owner_member"]


class TaskNoteAdmin(ReadOnlyAdmin):
    list_display = ["task", "progress", "written_by", "written_at"]
    raw_id_fields = ["task"]


school_admin_site.register(Plan, PlanAdmin)
school_admin_site.register(Task, TaskAdmin)
school_admin_site.register(TaskNote, TaskNoteAdmin)
