"""The API of the union's books (issue #10): entries recorded by the treasurer and approved by
someone else, the yearly budget, budget vs actual, the year-end close and the .xlsx books.

Everyone of FINANCE_READERS reads (the 经审 committee's auditor too); the services decide who
writes (a treasurer records, an approver approves — never their own entry — the union office
closes a year), and the permissions refuse the other readers before any input is read."""
from __future__ import annotations

from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from api.base import SchoolViewSet
from api.files import XLSX, xlsx_response
from api.filters import YearFilter
from api.params import validated
from api.permissions import role_required
from api.scoping import current_school
from api.serializers.audit import AuditRecordSerializer
from api.serializers.books import (
    BooksApproveSerializer,
    BooksEntryInputSerializer,
    BooksEntrySerializer,
    BooksRejectSerializer,
    BooksResubmitSerializer,
    BooksSummarySerializer,
    BudgetGridSerializer,
    BudgetSerializer,
    ClosedYearInputSerializer,
    ClosedYearSerializer,
    YearQuerySerializer,
)
from tenants.accounts.roles import FINANCE_APPROVERS, FINANCE_READERS
from tenants.finance import export
from tenants.finance import services as s
from tenants.finance.models import Budget, ClosedYear, LedgerEntry
from tenants.finance.selectors import budget_vs_actual, entry_trail, year_bounds

FinanceReader = role_required(*FINANCE_READERS)
Recorder = role_required(*s.RECORDERS)
Approver = role_required(*FINANCE_APPROVERS)
Budgeter = role_required(*s.BUDGETERS)
Closer = role_required(*s.CLOSERS)


class LedgerFilter(filters.FilterSet):
    year = YearFilter(method="in_year", help_text="年度（按发生日期）")

    class Meta:
        model = LedgerEntry
        fields = ["kind", "category", "status", "source_type", "source_id"]

    def in_year(self, rows, name, value):
        start, end = year_bounds(int(value))
        return rows.filter(occurred_on__gte=start, occurred_on__lte=end)


class BudgetFilter(filters.FilterSet):
    year = YearFilter(help_text="年度")

    class Meta:
        model = Budget
        fields = ["year", "category"]


def _year(request) -> int:
    serializer = YearQuerySerializer(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data.get("year") or timezone.localdate().year


YEAR_PARAM = OpenApiParameter("year", int, description="年度，默认今年")


@extend_schema(tags=["工会经费"])
@extend_schema_view(
    list=extend_schema(summary="收支记录（可按年度、收支、科目、状态、来源筛选）"),
    retrieve=extend_schema(summary="收支记录详情"),
    create=extend_schema(summary="记一笔收支（待审批）", request=BooksEntryInputSerializer,
                         responses={201: BooksEntrySerializer},
                         description="财务记账员或校工会管理员记账；金额最多两位小数。已结账年度 409。"),
    update=extend_schema(summary="修改收支（待审批或已退回；已退回的改后重新提交）", request=BooksEntryInputSerializer,
                         responses=BooksEntrySerializer,
                         description="只有记账人本人可以修改；已审批或已结账年度的收支 409。"),
    partial_update=extend_schema(summary="修改收支的部分字段", request=BooksEntryInputSerializer,
                                 responses=BooksEntrySerializer),
)
class LedgerEntryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SchoolViewSet):
    serializer_class = BooksEntrySerializer
    queryset = LedgerEntry.objects.all()
    filterset_class = LedgerFilter
    ordering_fields = ["occurred_on", "amount", "created"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_permissions(self):
        by_action = {"create": Recorder, "update": Recorder, "partial_update": Recorder, "resubmit": Recorder,
                     "approve": Approver, "reject": Approver}
        return [by_action.get(self.action, FinanceReader)()]

    def create(self, request):
        data = validated(request, BooksEntryInputSerializer)
        entry = s.ledger_entry_record_manual(by=request.user, **data)
        return Response(BooksEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        entry = self.get_object()
        serializer = BooksEntryInputSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        values = {name: getattr(entry, name) for name in s.ENTRY_FIELDS}
        values.update(serializer.validated_data)
        entry = s.ledger_entry_update(entry=entry, by=request.user, **values)
        return Response(BooksEntrySerializer(entry).data)

    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)

    @extend_schema(summary="审批通过（记账人以外的审批人）", request=BooksApproveSerializer, responses=BooksEntrySerializer,
                   description="只有待审批的记录可以审批：否则 409，并说明当前状态；记账人本人 403。"
                               "带上读取时的 version：记录在此之后被修改过则 409，不会批准没看过的金额。")
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        seen = validated(request, BooksApproveSerializer).get("version") or None
        entry = s.ledger_entry_decide(entry=self.get_object(), by=request.user, approve=True, seen_version=seen)
        return Response(BooksEntrySerializer(entry).data)

    @extend_schema(summary="退回（须填原因）", request=BooksRejectSerializer, responses=BooksEntrySerializer,
                   description="只有待审批的记录可以退回：否则 409，并说明当前状态。")
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        entry = s.ledger_entry_decide(entry=self.get_object(), by=request.user, approve=False,
                                      **validated(request, BooksRejectSerializer))
        return Response(BooksEntrySerializer(entry).data)

    @extend_schema(summary="重新提交已退回的收支（不作修改）", request=BooksResubmitSerializer,
                   responses=BooksEntrySerializer)
    @action(detail=True, methods=["post"])
    def resubmit(self, request, pk=None):
        entry = s.ledger_entry_resubmit(entry=self.get_object(), by=request.user,
                                        **validated(request, BooksResubmitSerializer))
        return Response(BooksEntrySerializer(entry).data)

    @extend_schema(summary="收支记录的操作日志（记账、修改、审批、退回）", responses=AuditRecordSerializer(many=True),
                   filters=False)
    @action(detail=True, methods=["get"], pagination_class=None)
    def trail(self, request, pk=None):
        return Response(AuditRecordSerializer(entry_trail(self.get_object()), many=True).data)


@extend_schema(tags=["工会经费"])
@extend_schema_view(list=extend_schema(summary="年度预算（按科目）"), retrieve=extend_schema(summary="预算详情"))
class BudgetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SchoolViewSet):
    serializer_class = BudgetSerializer
    queryset = Budget.objects.all()
    filterset_class = BudgetFilter

    def get_permissions(self):
        return [Budgeter() if self.action == "grid" else FinanceReader()]

    @extend_schema(summary="编制一个年度的预算（全部科目一次保存，任何一项有误则全部不保存）",
                   request=BudgetGridSerializer, responses=BudgetSerializer(many=True), filters=False)
    @action(detail=False, methods=["post"], pagination_class=None)
    def grid(self, request):
        data = validated(request, BudgetGridSerializer)
        budgets = s.budget_set(by=request.user, year=data["year"], amounts=data["amounts"])
        return Response(BudgetSerializer(budgets, many=True).data)

    @extend_schema(summary="预算执行情况：各科目预算、决算（只计已审批）、完成 %、余额与收支结余",
                   parameters=[YEAR_PARAM], responses=BooksSummarySerializer, filters=False)
    @action(detail=False, methods=["get"])
    def summary(self, request):
        return Response(BooksSummarySerializer(budget_vs_actual(_year(request))).data)

    @extend_schema(summary="导出年度收支决算表（.xlsx，按科目）", parameters=[YEAR_PARAM], filters=False,
                   responses={(200, XLSX): OpenApiTypes.BINARY})
    @action(detail=False, methods=["get"])
    def export(self, request):
        year = _year(request)
        school = current_school(request)
        return xlsx_response(export.workbook(year, school_name=school.name), f"{year}年度工会经费收支决算表.xlsx")


@extend_schema(tags=["工会经费"])
@extend_schema_view(list=extend_schema(summary="已结账年度"), retrieve=extend_schema(summary="结账详情"),
                    create=extend_schema(summary="年终结账（校工会管理员）", request=ClosedYearInputSerializer,
                                         responses={201: ClosedYearSerializer},
                                         description="该年度还有待审批的收支时 409（说明笔数）。"))
class ClosedYearViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SchoolViewSet):
    serializer_class = ClosedYearSerializer
    queryset = ClosedYear.objects.all()

    def get_permissions(self):
        return [Closer() if self.action == "create" else FinanceReader()]

    def create(self, request):
        closed = s.year_close(by=request.user, **validated(request, ClosedYearInputSerializer))
        return Response(ClosedYearSerializer(closed).data, status=status.HTTP_201_CREATED)


def register(router) -> None:
    """Register this area's viewsets on the school host's router (api/urls_tenant.py)."""
    router.register("ledger", LedgerEntryViewSet, basename="ledger")
    router.register("books/budgets", BudgetViewSet, basename="books-budget")
    router.register("books/closed-years", ClosedYearViewSet, basename="books-closed-year")
