"""Serializers of 行事历, the year-end report and 十件实事 (issue #12, points 2 and 3)."""
from __future__ import annotations

from rest_framework import serializers

from api.serializers import ModelSerializer, Serializer, listed_or

from tenants.workplan.calendar import owner_label, task_month
from tenants.workplan.models import Task


class CalendarEntrySerializer(Serializer):
    id = serializers.CharField(source="key", help_text="task-<任务编号>、item-<省级要点编号> 或 line-…（省级行事历）")
    source = serializers.ChoiceField(choices=[("school", "本校"), ("province", "省级")])
    title = serializers.CharField()
    owner = serializers.CharField(help_text="负责部门、分工会或负责人；省级事项为“省教育工会”")
    month = serializers.IntegerField(allow_null=True, help_text="月份；空为全年")
    due_on = serializers.DateField(allow_null=True)
    status = serializers.CharField(help_text="任务：not_started/in_progress/done/cancelled；省级要点：本校的填报"
                                             "（unreported/not_started/in_progress/done）；省级行事历：calendar")
    status_label = serializers.CharField()
    overdue = serializers.BooleanField()
    is_pledge = serializers.BooleanField()
    progress = serializers.IntegerField(allow_null=True)
    circular = serializers.CharField(help_text="省级通知标题（本校任务为空）")
    url = serializers.CharField(help_text="页面链接（省级要点只给校工会）")


class PlanFiguresSerializer(Serializer):
    planned = serializers.IntegerField()
    done = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    not_started = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    done_rate = serializers.CharField(help_text="已完成 / (计划数 − 已取消)")


class PlanGroupFiguresSerializer(PlanFiguresSerializer):
    name = serializers.CharField()


class ReportTaskSerializer(Serializer):
    id = serializers.IntegerField()
    section = serializers.CharField()
    number = serializers.CharField()
    title = serializers.CharField()
    owner = serializers.CharField()
    month = serializers.IntegerField(allow_null=True)
    due_on = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(choices=Task.Status.choices)
    status_label = serializers.CharField()
    progress = serializers.IntegerField()
    is_pledge = serializers.BooleanField()
    overdue = serializers.BooleanField()
    completed_on = serializers.DateField(allow_null=True)
    last_note = serializers.CharField()
    last_note_at = serializers.DateTimeField(allow_null=True)


class ReportYearSerializer(Serializer):
    """One year of the list: the plan and its totals."""

    id = serializers.IntegerField(source="year", help_text="年度（详情与导出以年度为编号）")
    year = serializers.IntegerField()
    plan_title = serializers.CharField()
    totals = PlanFiguresSerializer()


class ReportSerializer(ReportYearSerializer):
    doc_number = serializers.CharField()
    scope = serializers.CharField(help_text="all：全部任务；own：本人负责的任务")
    sections = PlanGroupFiguresSerializer(many=True)
    owners = PlanGroupFiguresSerializer(many=True)
    pledge_totals = PlanFiguresSerializer()
    pledges = ReportTaskSerializer(many=True)
    unfinished = ReportTaskSerializer(many=True)
    tasks = ReportTaskSerializer(many=True)


class PledgeNoteSerializer(Serializer):
    text = serializers.CharField()
    progress = serializers.IntegerField(allow_null=True)
    written_at = serializers.DateTimeField()


class PledgeSerializer(ModelSerializer):
    year = serializers.IntegerField(source="plan.year")
    owner = serializers.SerializerMethodField()
    month = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display")
    notes = serializers.SerializerMethodField(help_text="最近三条进展（只含文字）")

    class Meta:
        model = Task
        fields = ["id", "year", "number", "title", "body", "owner", "month", "due_on", "status", "status_label",
                  "progress", "completed_on", "notes"]

    def get_owner(self, task) -> str:
        return listed_or(task, "listed_owner_label", lambda: owner_label(task))  # report.pledges_listed

    def get_month(self, task) -> int | None:
        return task_month(task)

    def get_notes(self, task) -> list[dict]:
        notes = listed_or(task, "notes_newest_first", lambda: list(task.notes.order_by("-written_at", "-id")))
        return PledgeNoteSerializer(notes[:3], many=True).data


