from django.contrib import admin

from tenants.admin_sites import ReadOnlyAdmin, ServiceAdmin, school_admin_site
from tenants.congress import services
from tenants.congress.models import Congress, Delegate, Delegation, Proposal, ProposalReply, Suggestion

CONGRESS_FORM_FIELDS = ["term", "session", "title", "opens_on", "closes_on", "seconder_minimum",
                        "submission_opens_at", "submission_closes_at", "seconding_closes_at"]


class CongressAdmin(ServiceAdmin):
    list_display = ["__str__", "term", "session", "status", "opens_on", "seconder_minimum"]
    list_filter = ["status"]
    # The status moves only through the congress's own steps, never by editing the field.
    fields = CONGRESS_FORM_FIELDS + ["status"]
    readonly_fields = ["status"]

    def create(self, request, data):
        return services.congress_create(by=request.user, **data)

    def update(self, request, obj, data):
        return services.congress_update(congress=obj, by=request.user, **data)


class DelegationAdmin(ServiceAdmin):
    list_display = ["name", "congress"]
    list_filter = ["congress"]
    fields = ["congress", "name"]

    def create(self, request, data):
        return services.delegation_create(by=request.user, **data)


class DelegateAdmin(ServiceAdmin):
    """Delegates are elected here (from active members, once per congress); the record then stands."""

    list_display = ["member", "congress", "branch", "delegation"]
    list_filter = ["congress", "branch", "delegation"]
    search_fields = ["member__name", "member__employee_number"]
    raw_id_fields = ["member"]
    fields = ["congress", "member", "delegation"]

    def get_fields(self, request, obj=None):
        return self.fields + (["branch", "elected_on"] if obj else [])

    def create(self, request, data):
        return services.delegate_elect(by=request.user, **data)


class ReplyInline(admin.TabularInline):
    model = ProposalReply
    extra = 0
    can_delete = False
    readonly_fields = ["handling_round", "department", "text", "replied_by", "replied_at", "due_date", "rating",
                       "rating_comment", "rated_at"]


class ProposalAdmin(ReadOnlyAdmin):
    """Read-only: every state change goes through the workflow (API actions), which audits it."""

    list_display = ["number", "title", "proposer", "status", "lead_department", "due_date", "overdue"]
    list_filter = ["congress", "status", "overdue", "lead_department"]
    search_fields = ["number", "title", "proposer__member__name"]
    readonly_fields = [f.name for f in Proposal._meta.concrete_fields] + ["co_departments", "co_proposers"]
    inlines = [ReplyInline]

    def get_queryset(self, request):
        # Drafts are private to their proposer.
        return super().get_queryset(request).exclude(status=Proposal.Status.DRAFT)


class SuggestionAdmin(ReadOnlyAdmin):
    """Read-only: suggestions are acknowledged, forwarded and answered through their workflow."""

    list_display = ["title", "submitted_by", "status", "department", "created"]
    list_filter = ["status", "department"]
    search_fields = ["title", "content"]


school_admin_site.register(Congress, CongressAdmin)
school_admin_site.register(Delegation, DelegationAdmin)
school_admin_site.register(Delegate, DelegateAdmin)
school_admin_site.register(Proposal, ProposalAdmin)
school_admin_site.register(Suggestion, SuggestionAdmin)
