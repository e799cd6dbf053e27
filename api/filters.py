"""Query-parameter filters for every list (django-filter), and ordering only on declared fields.

An unknown choice, a non-numeric id or an undeclared ordering is a 400 naming the parameter —
never an empty list that looks like "nothing matched".
"""
from __future__ import annotations

from django import forms
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter, SearchFilter

from shared.circulars.models import Circular
from shared.competitions.models import Entry
from shared.honours.models import HonourKind, HonourRecord, Nomination
from shared.staffhomes.models import Criterion, HomeApplication
from shared.subsidies.models import Application as SubsidyApplication
from tenants.accounts.models import Notification
from tenants.audit.models import AuditRecord
from tenants.congress.models import Delegate, Delegation, Proposal, Suggestion
from tenants.congress.selectors import proposals_matching
from tenants.members.models import Group, Member, MembershipApplication
from tenants.members.selectors import members_matching
from tenants.models import School
from tenants.selectors import schools

MAX_ID = 2**63 - 1


class AsciiIntegerField(forms.IntegerField):
    """Digits 0-9 only: Python's int() would also take "１" or "²", which no client means."""

    def to_python(self, value):
        if isinstance(value, str) and value.strip() and not (value.strip().isascii() and value.strip().isdigit()):
            raise forms.ValidationError("应为整数。", code="invalid")
        return super().to_python(value)


# Documented as integers (a NumberFilter is `number` by default): a generated client would type the
# parameter as a float and send "3.0", which these filters refuse.
@extend_schema_field({"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_ID})
class IdFilter(filters.NumberFilter):
    """A record id: a positive whole number that fits the database's bigint."""

    field_class = AsciiIntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 2000, "maximum": 2100})
class YearFilter(filters.NumberFilter):
    field_class = AsciiIntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 2000)
        kwargs.setdefault("max_value", 2100)
        super().__init__(*args, **kwargs)


YES_NO = [("true", "是"), ("false", "否")]


class YesNoFilter(filters.ChoiceFilter):
    """`true`/`false` only: anything else is a 400 rather than silently ignored."""

    def __init__(self, *args, lookup: str, negate_lookup_value=False, **kwargs):
        self.lookup = lookup
        self.negate = negate_lookup_value
        super().__init__(*args, choices=YES_NO, method=self.apply, **kwargs)

    def apply(self, queryset, name, value):
        if value in ("", None):
            return queryset
        wanted = value == "true"
        return queryset.filter(**{self.lookup: (not wanted) if self.negate else wanted})


class SchoolSlugFilter(filters.ModelChoiceFilter):
    """`?school=<slug>`: an unknown slug is a 400."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("field_name", "school")
        super().__init__(*args, queryset=schools(), to_field_name="slug", **kwargs)


class StrictOrderingFilter(OrderingFilter):
    """Ordering only on the fields a view declares in `ordering_fields`; anything else is a 400."""

    def get_valid_fields(self, queryset, view, context=None):
        declared = getattr(view, "ordering_fields", None) or []
        return [(name, name) for name in declared]

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if not params:
            return self.get_default_ordering(view)
        valid = {name for name, _ in self.get_valid_fields(queryset, view)}
        terms = [term.strip() for term in params.split(",") if term.strip()]
        wrong = [term for term in terms if term.lstrip("-") not in valid]
        if wrong:
            allowed = "、".join(sorted(valid)) or "（本列表不支持排序）"
            raise ValidationError({self.ordering_param: [f"不能按“{wrong[0]}”排序；可选：{allowed}。"]})
        if not any(term.lstrip("-") in ("id", "pk") for term in terms):
            # Rows equal in the asked order come back in whatever order the plan leaves them, which
            # may differ from one page's request to the next: a row would show on two pages and
            # another on none. The id breaks the ties.
            terms.append("pk")
        return terms

    def get_schema_operation_parameters(self, view):
        declared = getattr(view, "ordering_fields", None)
        if not declared:
            return []
        choices = "、".join(declared)
        return [{"name": self.ordering_param, "required": False, "in": "query",
                 "description": f"排序字段（逗号分隔，前加 - 为倒序）：{choices}", "schema": {"type": "string"}}]


class FilterBackend(filters.DjangoFilterBackend):
    """django-filter's backend, except that a request asking none of the filterset's parameters
    keeps its rows without building the FilterSet (every filter deep-copied, a form built and
    cleaned: about a tenth of a short list's time, on every request, for nothing — a filter given
    no value leaves the rows alone). A filterset that could filter on its own — a required filter,
    its own __init__, filter_queryset, qs or form — is always built."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        if filters_only_when_asked(filterset_class) and not asks_any(filterset_class, request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)


def filters_only_when_asked(filterset_class) -> bool:
    base = filters.FilterSet
    return (filterset_class.filter_queryset is base.filter_queryset and filterset_class.qs is base.qs
            and filterset_class.__init__ is base.__init__ and filterset_class._meta.form is forms.Form
            and not any(f.extra.get("required") for f in filterset_class.base_filters.values()))


def asks_any(filterset_class, params) -> bool:
    """Whether a query parameter may be one of the filterset's: its filter's name, or that name with
    a widget's suffix (range filters read name_min/name_max, name_after/name_before)."""
    return any(key == name or key.startswith(name + "_") for key in params for name in filterset_class.base_filters)


class DeclaredSearchFilter(SearchFilter):
    """`?search=` documented only where the view declares what it searches."""

    def filter_queryset(self, request, queryset, view):
        # DRF builds and runs a CharField on the parameter first, on every list request; without
        # the parameter that gives no terms, and no terms leave the rows as they are
        if self.search_param not in request.query_params:
            return queryset
        return super().filter_queryset(request, queryset, view)

    def get_schema_operation_parameters(self, view):
        return super().get_schema_operation_parameters(view) if getattr(view, "search_fields", None) else []


# --- school host --------------------------------------------------------------------------------

class MemberFilter(filters.FilterSet):
    search = filters.CharFilter(method="search_members", max_length=100, help_text="姓名、工号开头或姓名拼音首字母（如 zs）")
    branch = IdFilter(field_name="branch_id", help_text="分工会编号")

    class Meta:
        model = Member
        fields = ["status", "employment_type"]

    def search_members(self, queryset, name, value):
        return members_matching(queryset, value)


class GroupFilter(filters.FilterSet):
    branch = IdFilter(field_name="branch_id", help_text="分工会编号")

    class Meta:
        model = Group
        fields = []


class ApplicationFilter(filters.FilterSet):
    class Meta:
        model = MembershipApplication
        fields = ["status"]


class DelegationFilter(filters.FilterSet):
    congress = IdFilter(field_name="congress_id", help_text="教代会编号")

    class Meta:
        model = Delegation
        fields = []


class DelegateFilter(filters.FilterSet):
    congress = IdFilter(field_name="congress_id", help_text="教代会编号")
    branch = IdFilter(field_name="branch_id", help_text="分工会编号")

    class Meta:
        model = Delegate
        fields = []


class ProposalFilter(filters.FilterSet):
    congress = IdFilter(field_name="congress_id", help_text="教代会编号")
    department = IdFilter(field_name="lead_department_id", help_text="主办部门编号")
    overdue = YesNoFilter(lookup="overdue", help_text="是否逾期督办")
    search = filters.CharFilter(method="search_proposals", max_length=100, help_text="案由或编号")

    class Meta:
        model = Proposal
        fields = ["status"]

    def search_proposals(self, queryset, name, value):
        return proposals_matching(queryset, value)


class SuggestionFilter(filters.FilterSet):
    class Meta:
        model = Suggestion
        fields = ["status"]


class NotificationFilter(filters.FilterSet):
    unread = YesNoFilter(lookup="read_at__isnull", help_text="true：只看未读")

    class Meta:
        model = Notification
        fields = []


class AuditFilter(filters.FilterSet):
    target_type = filters.CharFilter(max_length=100, help_text="对象类型，如 congress.proposal")
    target_id = filters.CharFilter(max_length=64, help_text="对象编号")

    class Meta:
        model = AuditRecord
        fields = ["action"]


# --- both hosts: provincial items ---------------------------------------------------------------

class EntryFilter(filters.FilterSet):
    competition = IdFilter(field_name="competition_id", help_text="竞赛编号")
    group = IdFilter(field_name="group_id", help_text="组别编号")

    class Meta:
        model = Entry
        fields = ["status"]


class ProvinceEntryFilter(EntryFilter):
    school = SchoolSlugFilter(help_text="学校站点标识")


class NominationFilter(filters.FilterSet):
    campaign = IdFilter(field_name="campaign_id", help_text="推荐活动编号")

    class Meta:
        model = Nomination
        fields = ["status"]


class ProvinceNominationFilter(NominationFilter):
    school = SchoolSlugFilter(help_text="学校站点标识")


class HonourRecordFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=HonourKind.choices)
    year = YearFilter()

    class Meta:
        model = HonourRecord
        fields = []


class ProvinceHonourRecordFilter(HonourRecordFilter):
    school = SchoolSlugFilter(help_text="学校站点标识")


class HomeApplicationFilter(filters.FilterSet):
    round = IdFilter(field_name="round_id", help_text="评选轮次编号")

    class Meta:
        model = HomeApplication
        fields = ["status"]


class ProvinceHomeApplicationFilter(HomeApplicationFilter):
    school = SchoolSlugFilter(help_text="学校站点标识")


class CriterionFilter(filters.FilterSet):
    round = IdFilter(field_name="round_id", help_text="评选年度编号")

    class Meta:
        model = Criterion
        fields = []


class YearListFilter(filters.FilterSet):
    """`?year=` for lists a service computes by year (the view reads it with filter_values())."""

    year = YearFilter(method="left_to_the_service", help_text="年度")

    class Meta:
        model = HomeApplication
        fields = []

    def left_to_the_service(self, queryset, name, value):
        return queryset


class SubsidyApplicationFilter(filters.FilterSet):
    programme = IdFilter(field_name="programme_id", help_text="补助项目编号")

    class Meta:
        model = SubsidyApplication
        fields = ["status"]


class ProvinceSubsidyApplicationFilter(SubsidyApplicationFilter):
    school = SchoolSlugFilter(help_text="学校站点标识")


class CircularFilter(filters.FilterSet):
    class Meta:
        model = Circular
        fields = ["status"]


class SchoolFilter(filters.FilterSet):
    region = filters.CharFilter(max_length=64, help_text="地区")

    class Meta:
        model = School
        fields = ["status", "kind"]
