from django.db import models
from django.utils import timezone

from tenants.models import School


class SchoolStats(models.Model):
    """One school's figures for one year, computed in the school's own schema by the roll-up task."""

    school = models.ForeignKey(School, verbose_name="学校", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    members_total = models.PositiveIntegerField("会员总数", default=0)
    members_by_status = models.JSONField("会员（按状态）", default=dict)
    members_by_employment = models.JSONField("在会会员（按用工类型）", default=dict)
    new_members = models.PositiveIntegerField("本年新入会", default=0)
    proposals_received = models.PositiveIntegerField("收到提案", default=0)
    proposals_accepted = models.PositiveIntegerField("立案", default=0)
    # 办结率's denominator, as the school's own figures page counts it (tenants/congress/selectors.py
    # congress_figures): accepted proposals that went on to be handled, merged ones not counted twice.
    proposals_handled = models.PositiveIntegerField("立案后办理", default=0)
    proposals_closed = models.PositiveIntegerField("办结", default=0)
    proposals_rated = models.PositiveIntegerField("已评价", default=0)
    proposals_satisfied = models.PositiveIntegerField("满意和基本满意", default=0)
    income = models.DecimalField("本年已审批收入（元）", max_digits=14, decimal_places=2, default=0)
    spent = models.DecimalField("本年已审批支出（元）", max_digits=14, decimal_places=2, default=0)
    # the approved money of the year per category of the books ({"activities": "1234.50", …}: strings,
    # so no float ever stands for an amount)
    money_by_category = models.JSONField("已审批收支（按科目）", default=dict)
    care_visits = models.PositiveIntegerField("慰问人次", default=0)
    care_amount = models.DecimalField("慰问金额（元）", max_digits=14, decimal_places=2, default=0)
    hardship_cases = models.PositiveIntegerField("在册困难教职工", default=0)
    aid_payouts = models.DecimalField("互助金给付（元）", max_digits=14, decimal_places=2, default=0)
    # activities, trips, awards and health checks (issue #11), as each area's selectors count them
    activities_held = models.PositiveIntegerField("举办活动（场）", default=0)
    activity_participants = models.PositiveIntegerField("活动参与（人次）", default=0)
    activity_attended = models.PositiveIntegerField("活动签到（人次）", default=0)
    trip_travellers = models.PositiveIntegerField("疗休养（人次）", default=0)
    award_winners = models.PositiveIntegerField("评先评优获评（人、集体）", default=0)
    health_checked = models.PositiveIntegerField("本年已体检（人）", default=0)
    health_eligible = models.PositiveIntegerField("本年应体检（人）", default=0)
    # when these figures were last computed or confirmed current: a school the roll-up found
    # unchanged (its fingerprint below) keeps its figures and this is set to the run's time, so
    # "rolled up in the last 24 hours" (rollup_is_due, the dashboard) means the same as before
    computed_at = models.DateTimeField("计算时间", default=timezone.now)
    # the school's write counters read just before these figures' data (shared/stats/fingerprint.py):
    # while they stay the same the roll-up does not read the school again ("": always read)
    source_fingerprint = models.CharField("数据指纹", max_length=64, blank=True, default="")

    class Meta:
        verbose_name = "学校统计"
        verbose_name_plural = "学校统计"
        ordering = ["school__slug"]
        constraints = [models.UniqueConstraint(fields=["school", "year"], name="one_stats_row_per_school_year")]
