"""Demo data for the provincial layer (run by tenants.demo.seed_demo after the schools exist)."""
import datetime
from decimal import Decimal
from pathlib import Path

from django.utils import timezone
from django_tenants.utils import schema_context

from shared.circulars.models import Circular
from shared.circulars.services import circular_import, circular_publish
from shared.competitions import services as competitions
from shared.competitions.models import Competition, Entry
from shared.honours.models import HonourCampaign
from shared.honours.services import campaign_create, nomination_submit
from shared.staffhomes import services as staffhomes
from shared.staffhomes.models import Round
from shared.subsidies.models import Programme
from shared.subsidies.services import application_allocate, application_submit, programme_create
from tenants.accounts.models import User
from tenants.accounts.roles import Role
from tenants.accounts.services import user_create

NOTICE = Path(__file__).with_name("demo_work_points.txt")


def _account(username, roles, password, full_name):
    user = User.objects.filter(username=username).first()
    return user or user_create(username=username, password=password, roles=roles, by=None, full_name=full_name)[0]


def seed_province(schools: dict, password: str) -> None:
    """``schools`` maps slug → School; everything here is idempotent."""
    now = timezone.now()
    admin = User.objects.get(username="admin")
    reviewer = _account("reviewer", [Role.PROVINCE_REVIEWER], password, "省工会评审员")
    if not HonourCampaign.objects.exists():
        campaign = campaign_create(by=admin, kind="regional_model", year=now.year,
                                   title=f"{now.year} 年自治区劳动模范和先进工作者推荐",
                                   deadline=now + datetime.timedelta(days=30), default_quota=2)
        nomination_submit(by=None, campaign=campaign, school=schools["guilin"], nominee_name="覃老师",
                          gender="female", birth_date=datetime.date(1975, 6, 1), title="教授", post="教研室主任",
                          deeds="扎根教学一线二十年，主持省级教改项目三项……")
    if not Competition.objects.exists():
        competition = competitions.competition_create(
            by=admin, edition=10, year=now.year, title="第十届全区高校青年教师教学竞赛", age_limit=40,
            age_cutoff_on=datetime.date(now.year, 9, 1), registration_opens_at=now - datetime.timedelta(days=10),
            registration_closes_at=now + datetime.timedelta(days=20),
            groups=[{"name": "文科", "quota_per_school": 2}, {"name": "理科", "quota_per_school": 2},
                    {"name": "工科", "quota_per_school": 2}, {"name": "医科", "quota_per_school": 1},
                    {"name": "思想政治课专项", "quota_per_school": 1}])
        group = competition.groups.get(name="文科")
        for slug, name in (("guilin", "韦晓"), ("huzhou", "沈悦"), ("hnit", "刘洋"), ("sxdtu", "赵敏")):
            entry = competitions.entry_register(by=None, school=schools[slug], group=group, name=name,
                                                gender="female", birth_date=datetime.date(1991, 5, 1),
                                                course="大学语文")
            competitions.entry_move(entry=entry, action="confirm", by=admin)
        judges = []
        for username, home in (("judge1", "guilin"), ("judge2", "huzhou"), ("judge3", None)):
            user = _account(username, [Role.JUDGE], password, f"评委{username[-1]}")
            judges.append(competitions.judge_register(by=admin, user=user,
                                                      home_school=schools[home] if home else None))
        competitions.panel_assign(by=admin, group=group, judges=judges)
        competitions.competition_move(competition=competition, action="start_judging", by=admin)
        third = judges[2]
        for entry in Entry.objects.filter(group=group):
            competitions.score_submit(entry=entry, judge=third, design=85, classroom=88, reflection=90)
    if not Round.objects.exists():
        _seed_staff_homes(admin, reviewer, schools, now)
    if not Programme.objects.exists():
        programme = programme_create(by=admin, year=now.year, title=f"{now.year} 年教职工之家建设补助",
                                     purpose="建设和改善教职工活动场所", pool=Decimal("300000.00"),
                                     opens_at=now - datetime.timedelta(days=10),
                                     closes_at=now + datetime.timedelta(days=30), rule="base_plus_per_member",
                                     base_amount=Decimal("20000.00"), per_member_amount=Decimal("50.00"),
                                     report_due_on=timezone.localdate() + datetime.timedelta(days=180))
        for slug in ("guilin", "hnit"):
            with schema_context(schools[slug].schema_name):
                from tenants.members.models import Member

                count = Member.objects.filter(status="active").count()
            application = application_submit(by=None, programme=programme, school=schools[slug],
                                             project="教工之家活动室改造", amount_requested=Decimal("40000.00"),
                                             member_count=count)
            if slug == "guilin":
                application_allocate(application=application, by=admin)
    if not Circular.objects.exists():
        circular = circular_import(by=admin, text=NOTICE.read_text(encoding="utf-8"))
        circular_publish(circular=circular, by=admin)
    seed_honour_registry(schools, admin)


def _seed_staff_homes(admin, reviewer, schools, now) -> None:
    """This year's round, open: 湖州师范学院's 小家 waits for the reviewer's scores; 桂林学院's 之家 is
    scored and confirmed (the confirmed list has a row on first start)."""
    home_round = staffhomes.round_create(by=admin, year=now.year, title=f"{now.year} 年先进教职工之家评选",
                                         opens_at=now - datetime.timedelta(days=5),
                                         closes_at=now + datetime.timedelta(days=40))
    staffhomes.round_open(round=home_round, by=admin)
    scores = {str(c.pk): "18" for c in home_round.criteria.all()}
    staffhomes.application_submit(by=None, round=home_round, school=schools["huzhou"], level="small_home",
                                  unit_name="文学院分工会", self_scores=scores,
                                  self_assessment="组织健全，制度完善，活动丰富。")
    home = staffhomes.application_submit(by=None, round=home_round, school=schools["guilin"], level="home",
                                         unit_name="校工会", self_scores=scores,
                                         self_assessment="教代会规范召开，帮扶慰问制度化，教工之家设施齐全。")
    staffhomes.review_submit(application=home, by=reviewer, scores={key: "17" for key in scores},
                             comment="台账齐全，特色鲜明。")
    staffhomes.application_decide(application=home, by=admin, confirm=True, note="材料与实地检查相符。")


def seed_honour_registry(schools: dict, admin) -> None:
    """Model workers honoured before the platform, so the registry (名录) is not empty on first start."""
    from shared.honours.models import HonourRecord
    from shared.honours.services import care_record, record_register

    if HonourRecord.objects.exists():
        return
    year = timezone.localdate().year
    for slug, name, kind, when in (("guilin", "黎建华", "national_model", year - 5),
                                   ("huzhou", "陈晓燕", "may_day_medal", year - 3),
                                   ("hnit", "信息工程学院实验教学中心", "pioneer", year - 2),
                                   ("sxdtu", "王志刚", "regional_model", year - 1)):
        record = record_register(by=admin, school=schools[slug], person_name=name, kind=kind, year=when)
        if not record.is_collective:
            care_record(record=record, by=admin, kind="spring_festival", amount="800",
                        given_on=timezone.localdate() - datetime.timedelta(days=30), note="春节走访慰问")
