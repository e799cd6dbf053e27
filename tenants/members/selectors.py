from django.db.models import Case, CharField, F, OuterRef, Q, Value, When

from tenants.accounts.roles import Role
from tenants.compiled_once import compiled_once, rows_compiled_once
from tenants.counting import RelatedIds, RelatedValue, SubqueryCount
from tenants.members.models import Branch, Department, Group, Member, MembershipApplication


def members_matching(members, query: str):
    """Members whose name contains, employee number starts with, or pinyin initials start with
    ``query`` (e.g. "zs" finds 张三)."""
    query = (query or "").strip()
    if not query:
        return members
    return members.filter(Q(name__icontains=query) | Q(employee_number__startswith=query)
                          | Q(name_initials__startswith=query.lower()))


def members_search(*, query: str = "", branch=None, status=None, employment_type=None, members=None):
    """``members`` (default: every member, with branch and group) narrowed by the 会员 page's filters."""
    if members is None:
        members = Member.objects.select_related("branch", "group")
    members = members_matching(members, query)
    if branch:
        members = members.filter(branch_id=branch)
    if status:
        members = members.filter(status=status)
    if employment_type:
        members = members.filter(employment_type=employment_type)
    return members


def members_visible_to(user):
    """union_admin and the 帮扶专干 (who visit any member): everyone; branch chair: their branches'
    members; others: themselves."""
    members = Member.objects.select_related("branch", "group")
    if user.has_role(Role.UNION_ADMIN, Role.CARE_OFFICER):
        return members
    if user.has_role(Role.BRANCH_CHAIR):
        return members.filter(Q(branch__chair=user) | Q(user=user))
    return members.filter(user=user)


def _choice_label(field_name: str):
    """A member's ``get_<field_name>_display()`` as a column: the label of a listed choice, the stored
    value itself otherwise (as Django answers)."""
    field = Member._meta.get_field(field_name)

    @compiled_once(Member)
    def label():
        return Case(*(When(**{field_name: value}, then=Value(str(text))) for value, text in field.flatchoices),
                    default=F(field_name), output_field=CharField())

    label.__qualname__ = f"member_{field_name}_label"
    return label


_gender_label = _choice_label("gender")
_employment_type_label = _choice_label("employment_type")
_status_label = _choice_label("status")


def members_listed(members):
    """The members API's list rows: the branch's and the group's names (all the list shows of them) as
    values in the rows' own statement instead of two joined tables' every column and an instance of
    each per row, and the three choice labels as columns instead of a lookup per row and label
    (issue #14); api.listed.ListedValue reads them."""
    return members.select_related(None).annotate(listed_branch_name=RelatedValue(Member, "branch", "name"),
                                                 listed_group_name=RelatedValue(Member, "group", "name"),
                                                 listed_gender_label=_gender_label(),
                                                 listed_employment_type_label=_employment_type_label(),
                                                 listed_status_label=_status_label())


def members_in_table(members):
    """``members`` as the 会员 page's table shows them — name, 工号, branch, employment type, status and
    the masked phone and ID number — with only those columns (the whole member and group rows cost
    building 50 times a page for nothing), the branch's name as ``listed_branch_name`` in the rows'
    own statement (a join cost compiling and an instance per row)."""
    return members.select_related(None).only(
        "name", "employee_number", "employment_type", "status", "phone", "id_number_masked",
    ).annotate(listed_branch_name=RelatedValue(Member, "branch", "name"))


def branch_choices() -> list[tuple[int, str]]:
    """(id, name) of every branch in the branches' order, for a filter's choices. One statement of a
    fixed shape, compiled once per process (the 会员 page asks it on every request, issue #14)."""
    return rows_compiled_once("members.branch_choices", lambda: Branch.objects.values_list("pk", "name"),
                              lambda value: value, stand_ins=())


def applications_visible_to(user):
    applications = MembershipApplication.objects.select_related("branch", "member")
    if user.has_role(Role.UNION_ADMIN):
        return applications
    if user.has_role(Role.BRANCH_CHAIR):
        return applications.filter(Q(branch__chair=user) | Q(submitted_by=user))
    return applications.filter(submitted_by=user)


def applications_listed(applications):
    """The applications API's list rows: the branch's name (all the list shows of it; of the member
    only its id, the row's own column) in the rows' own statement, no joined tables (issue #14)."""
    return applications.select_related(None).annotate(
        listed_branch_name=RelatedValue(MembershipApplication, "branch", "name"))


def branches_with_counts():
    """The branches with their chair's name (User.__str__: full_name or username) and their 在会 member
    count, as the branches list and the 组织机构 page show them. Only the chair columns that name reads,
    and the count as a correlated subquery: a GROUP BY over every selected column of both tables cost
    compiling, building and planning for nothing (issue #14)."""
    active_members = Member.objects.filter(branch_id=OuterRef("pk"), status=Member.Status.ACTIVE)
    return Branch.objects.select_related("chair").only(
        "name", "chair", "sort_order", "is_active", "chair__full_name", "chair__username",
    ).annotate(member_count=SubqueryCount(active_members)).order_by("sort_order", "id")


def application_todos(user) -> dict:
    """入会申请 waiting for this user: a branch chair confirms their branches' new ones, the union
    office approves those the branch confirmed."""
    todos = {}
    applications = MembershipApplication.objects.select_related("branch")
    if user.has_role(Role.BRANCH_CHAIR):
        todos["to_confirm"] = applications.filter(status=MembershipApplication.Status.SUBMITTED,
                                                  branch__chair=user)
    if user.has_role(Role.UNION_ADMIN):
        todos["to_approve"] = applications.filter(status=MembershipApplication.Status.BRANCH_CONFIRMED)
    return todos


def applications_matching(applications, *, status: str = "", query: str = ""):
    """入会申请 filtered by status and by the applicant's name or the start of the employee number."""
    if status:
        applications = applications.filter(status=status)
    query = (query or "").strip()
    if query:
        applications = applications.filter(Q(name__icontains=query) | Q(employee_number__startswith=query))
    return applications


def chaired_branches(user):
    """The branches ``user`` chairs (分工会主席): none without the branch-chair role — unlike
    branches_chaired_by, the union office gets none here."""
    if getattr(user, "pk", None) is None or not user.has_role(Role.BRANCH_CHAIR):
        return Branch.objects.none()
    return Branch.objects.filter(chair=user)


def branches_chaired_by(user):
    """The branches a chair may submit 入会申请 for; the union office may submit for any branch."""
    branches = Branch.objects.filter(is_active=True)
    if user.has_role(Role.UNION_ADMIN):
        return branches
    return branches.filter(chair=user)


def groups_with_counts():
    from django.db.models import Count

    return Group.objects.select_related("branch").annotate(
        member_count=Count("members", filter=Q(members__status=Member.Status.ACTIVE))).order_by(
        "branch__sort_order", "branch_id", "id")


def departments_with_handlers():
    return Department.objects.prefetch_related("handlers").order_by("id")


def departments_listed():
    """The rows of the departments list: the handlers' ids (all the list shows of them) as an array in
    the page's own statement. A prefetch of ``handlers`` built whole User rows (and compiled a wide
    statement) only to print their ids: a third of the request (issue #14)."""
    return Department.objects.annotate(listed_handlers=RelatedIds(Department, "handlers")).order_by("id")


def application_actions_for(application, user) -> list[str]:
    """The steps ``user`` may take on ``application`` now: the workflow's roles and the service's
    own scope rule for branch chairs (their branch, not their own submission, before approval)."""
    from tenants.errors import NotAllowed
    from tenants.members.services import APPLICATION_FLOW, _check_chair_scope

    actions = APPLICATION_FLOW.allowed_actions(state=application.status, user=user)
    try:
        _check_chair_scope(application, user)
    except NotAllowed:
        return []
    return actions


def active_member_count() -> int:
    """How many members are 在会 now (a subsidy application records it when submitted)."""
    return Member.objects.filter(status=Member.Status.ACTIVE).count()
