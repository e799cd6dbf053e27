from rest_framework import serializers

from api.serializers import ModelSerializer, Serializer

from shared.stats.models import SchoolStats


class SchoolStatsSerializer(ModelSerializer):
    """学校统计"""

    school_slug = serializers.CharField(source="school.slug", read_only=True, label="站点标识")
    school_name = serializers.CharField(source="school.name", read_only=True, label="学校")
    acceptance_rate = serializers.SerializerMethodField(label="立案率%")
    closure_rate = serializers.SerializerMethodField(label="办结率%")
    satisfaction_rate = serializers.SerializerMethodField(label="满意率%")
    money_by_category = serializers.DictField(child=serializers.DecimalField(max_digits=16, decimal_places=2),
                                              read_only=True, label="已审批收支（按科目）")

    class Meta:
        model = SchoolStats
        fields = ["school_slug", "school_name", "year", "members_total", "members_by_status",
                  "members_by_employment", "new_members", "proposals_received", "proposals_accepted",
                  "proposals_handled", "proposals_closed", "proposals_rated", "proposals_satisfied",
                  "acceptance_rate", "closure_rate", "satisfaction_rate", "income", "spent", "money_by_category",
                  "care_visits", "care_amount", "hardship_cases", "aid_payouts", "activities_held",
                  "activity_participants", "activity_attended", "trip_travellers", "award_winners", "health_checked",
                  "health_eligible", "computed_at"]

    @staticmethod
    def _rate(row, name) -> str | None:
        from shared.stats.selectors import rates

        rate = rates(row)[name]
        return str(rate) if rate is not None else None

    def get_acceptance_rate(self, row) -> str | None:
        return self._rate(row, "acceptance_rate")

    def get_closure_rate(self, row) -> str | None:
        return self._rate(row, "closure_rate")

    def get_satisfaction_rate(self, row) -> str | None:
        return self._rate(row, "satisfaction_rate")


class RefreshSerializer(Serializer):
    """立即统计"""

    year = serializers.IntegerField(label="年度", min_value=2000, max_value=2100, required=False)


class StatsTotalsSerializer(Serializer):
    schools = serializers.IntegerField(label="学校数")
    members_total = serializers.IntegerField(label="会员总数")
    new_members = serializers.IntegerField(label="本年新入会")
    proposals_received = serializers.IntegerField(label="收到提案")
    proposals_accepted = serializers.IntegerField(label="立案")
    proposals_handled = serializers.IntegerField(label="立案后办理")
    proposals_closed = serializers.IntegerField(label="办结")
    proposals_rated = serializers.IntegerField(label="已评价")
    proposals_satisfied = serializers.IntegerField(label="满意和基本满意")
    income = serializers.DecimalField(max_digits=16, decimal_places=2, label="收入合计")
    spent = serializers.DecimalField(max_digits=16, decimal_places=2, label="支出合计")
    money_by_category = serializers.DictField(child=serializers.DecimalField(max_digits=16, decimal_places=2),
                                              label="已审批收支（按科目）")
    care_visits = serializers.IntegerField(label="慰问人次")
    care_amount = serializers.DecimalField(max_digits=16, decimal_places=2, label="慰问金额")
    hardship_cases = serializers.IntegerField(label="在册困难教职工")
    aid_payouts = serializers.DecimalField(max_digits=16, decimal_places=2, label="互助金给付")
    activities_held = serializers.IntegerField(label="举办活动（场）")
    activity_participants = serializers.IntegerField(label="活动参与（人次）")
    activity_attended = serializers.IntegerField(label="活动签到（人次）")
    trip_travellers = serializers.IntegerField(label="疗休养（人次）")
    award_winners = serializers.IntegerField(label="评先评优获评（人、集体）")
    health_checked = serializers.IntegerField(label="本年已体检（人）")
    health_eligible = serializers.IntegerField(label="本年应体检（人）")
    members_by_status = serializers.DictField(child=serializers.IntegerField(), label="会员（按状态）")
    members_by_employment = serializers.DictField(child=serializers.IntegerField(), label="在会会员（按用工类型）")


class StatsBoardSerializer(Serializer):
    """全区统计"""

    year = serializers.IntegerField(label="年度")
    rows = SchoolStatsSerializer(many=True, label="各校")
    totals = StatsTotalsSerializer(label="合计")


class RefreshResultSerializer(Serializer):
    year = serializers.IntegerField(label="年度")
    queued = serializers.BooleanField(label="已排入后台")
