"""The province's draft 年度工作总结 for the region (issue #12, point 7).

The schools' figures come from the statistics roll-up (shared.stats: one SchoolStats row per school
and year, computed in each school's schema) — never by opening every school's schema from the
request. The province's own work (honours, the teaching competition, 先进教职工之家, subsidies,
circulars and their 落实) is read live from the shared tables through their selectors.
"""
from __future__ import annotations

from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from shared.stats.selectors import dashboard_years, last_rollup, rates
from shared.stats.services import dashboard
from tenants.finance.models import ExpenseCategory
from tenants.models import School
from tenants.selectors import schools
from tenants.yearsummary.docx import Draft, Section, rate, yuan
from tenants.yearsummary.draft import SOURCE_NOTE, cn_date, cn_datetime
from tenants.yearsummary.figures import check_year, default_year, recent_years

PROVINCE_UNION = "自治区教育工会"
ZERO = Decimal("0.00")

__all__ = ["check_year", "default_year", "region_draft", "region_figures", "region_years"]


def region_years(today=None) -> list[int]:
    """The last five years and any year the roll-up or the province's own work has (not after this one)."""
    today = today or timezone.localdate()
    years = set(recent_years(today)) | {y for y in dashboard_years() if y <= today.year}
    return sorted(years, reverse=True)


def _school_rows(board: dict) -> list[dict]:
    rows = []
    for row in board["rows"]:
        rows.append({
            "school": row.school.name, "slug": row.school.slug,
            "members": row.members_by_status.get("active", 0), "new_members": row.new_members,
            "proposals_received": row.proposals_received, "proposals_accepted": row.proposals_accepted,
            **rates(row), "care_visits": row.care_visits, "care_amount": row.care_amount,
            "aid_payouts": row.aid_payouts, "activities_held": row.activities_held,
            "activity_participants": row.activity_participants, "trip_travellers": row.trip_travellers,
            "award_winners": row.award_winners, "income": row.income, "spent": row.spent,
            "computed_at": row.computed_at})
    return sorted(rows, key=lambda r: r["slug"])


def _provincial_work(year: int) -> dict:
    from shared.circulars.models import Circular
    from shared.circulars.selectors import circulars_for_province
    from shared.competitions.models import Entry
    from shared.competitions.selectors import competitions_with_counts
    from shared.honours.models import HonourRecord
    from shared.honours.selectors import campaigns_overview
    from shared.staffhomes.models import HomeApplication
    from shared.staffhomes.selectors import confirmed_homes, rounds_overview
    from shared.subsidies.selectors import programmes_overview

    campaigns = [{"title": c.title, "status": c.get_status_display(), "nominations": c.nomination_count,
                  "awarded": c.awarded_count} for c in campaigns_overview().filter(year=year)]
    competitions = []
    for c in competitions_with_counts().filter(year=year):
        prizes = dict(Entry.objects.filter(competition=c).exclude(award="").values_list("award")
                      .annotate(n=Count("pk")).order_by())
        competitions.append({"title": c.title, "status": c.get_status_display(),
                             "entries": c.registered_count + c.confirmed_count,
                             "first": prizes.get(Entry.Award.FIRST, 0), "second": prizes.get(Entry.Award.SECOND, 0),
                             "third": prizes.get(Entry.Award.THIRD, 0)})
    homes = dict(confirmed_homes(year=year).values_list("level").annotate(n=Count("pk")).order_by())
    programmes = [{"title": p.title, "pool": p.pool, "allocated": p.allocated_sum or ZERO,
                   "disbursed": p.disbursed_sum or ZERO, "applications": p.application_count}
                  for p in programmes_overview().filter(year=year)]
    circulars = []
    for c in circulars_for_province(status=Circular.Status.PUBLISHED).filter(published_at__year=year):
        expected = c.recipient_count * c.item_count
        circulars.append({"title": c.title, "doc_number": c.doc_number, "schools": c.recipient_count,
                          "acknowledged": c.acknowledged_count, "items": c.item_count, "expected": expected,
                          "done": c.done_count, "done_rate": _percent(c.done_count, expected)})
    expected = sum(c["expected"] for c in circulars)
    done = sum(c["done"] for c in circulars)
    return {
        "honour_campaigns": campaigns, "honours_granted": HonourRecord.objects.filter(year=year).count(),
        "competitions": competitions,
        "staffhome_rounds": rounds_overview().filter(year=year).count(),
        "homes_confirmed": homes.get(HomeApplication.Level.HOME, 0),
        "small_homes_confirmed": homes.get(HomeApplication.Level.SMALL_HOME, 0),
        "subsidy_programmes": programmes,
        "subsidies_allocated": sum((p["allocated"] for p in programmes), ZERO),
        "subsidies_disbursed": sum((p["disbursed"] for p in programmes), ZERO),
        "circulars": circulars, "circular_points_expected": expected, "circular_points_done": done,
        "circular_done_rate": _percent(done, expected),
    }


def _percent(part, whole):
    from tenants.congress.selectors import percent

    return percent(part, whole)


def region_figures(year: int) -> dict:
    """The region's figures of `year`: the roll-up's totals and one row per school, the schools
    with no roll-up of the year, and the province's own work."""
    board = dashboard(year=year)
    totals = dict(board["totals"])
    totals["members"] = totals["members_by_status"].get("active", 0)
    totals.update(rates(totals))
    rolled = {row.school_id for row in board["rows"]}
    missing = [s.name for s in schools(status=School.Status.ACTIVE).exclude(pk__in=rolled).order_by("slug")]
    expense_labels = dict(ExpenseCategory.choices)
    by_category = [{"category": key, "label": expense_labels[key], "amount": Decimal(value)}
                   for key, value in totals["money_by_category"].items() if key in expense_labels]
    return {"scope": "region", "year": year, "union_name": PROVINCE_UNION, "drafted_on": timezone.localdate(),
            "rolled_up_at": last_rollup(year=year), "schools": _school_rows(board), "missing_schools": missing,
            "totals": totals, "expense_by_category": by_category, "province": _provincial_work(year)}


def region_draft(f: dict) -> Draft:
    year, t, p = f["year"], f["totals"], f["province"]
    rows = f["schools"]
    overview = Section("一、全区基本情况")
    as_of = f"（各校数据截至{cn_datetime(f['rolled_up_at'])}的统计汇总）" if f["rolled_up_at"] else ""
    overview.say(f"全区 {t['schools']} 所学校工会汇总{as_of}：在会会员 {t['members']} 人，全年新入会 "
                 f"{t['new_members']} 人。")
    if f["missing_schools"]:
        overview.say(f"以下学校尚无{year}年的统计汇总，未计入：{'、'.join(f['missing_schools'])}。")
    overview.table(f"{year}年各校工会工作主要数据", [
        "学校", "在会会员", "新入会", "提案", "立案率", "慰问金额", "活动（场）", "疗休养（人次）"],
        [[r["school"], r["members"], r["new_members"], r["proposals_received"], rate(r["acceptance_rate"]),
          yuan(r["care_amount"]), r["activities_held"], r["trip_travellers"]] for r in rows]
        + [["合计", t["members"], t["new_members"], t["proposals_received"], rate(t["acceptance_rate"]),
            yuan(t["care_amount"]), t["activities_held"], t["trip_travellers"]]] if rows else [])

    congress = Section("二、民主管理（教代会与提案）")
    congress.say(f"全区各校教代会全年共受理提案 {t['proposals_received']} 件，立案 {t['proposals_accepted']} 件，立案率 "
                 f"{rate(t['acceptance_rate'])}；办结 {t['proposals_closed']} 件，办结率 {rate(t['closure_rate'])}；"
                 f"满意率 {rate(t['satisfaction_rate'])}。")

    care = Section("三、关心关爱")
    care.say(f"全区各校全年帮扶慰问 {t['care_visits']} 人次，慰问金额 {yuan(t['care_amount'])}；在册困难教职工 "
             f"{t['hardship_cases']} 户；互助保障给付 {yuan(t['aid_payouts'])}。")

    activities = Section("四、文体活动与疗休养")
    activities.say(f"全区各校全年举办文体活动 {t['activities_held']} 场，参与 {t['activity_participants']} 人次；"
                   f"疗休养 {t['trip_travellers']} 人次；评先评优获评 {t['award_winners']} 个人和集体；健康体检应检 "
                   f"{t['health_eligible']} 人，已检 {t['health_checked']} 人。")

    money = Section("五、经费收支")
    money.say(f"按各校账目中已审批的收支汇总（未审批的不计入），全区各校工会全年收入 {yuan(t['income'])}，支出 "
              f"{yuan(t['spent'])}。")
    money.table(f"{year}年全区已审批支出（按科目）", ["科目", "金额"],
                [[r["label"], yuan(r["amount"])] for r in f["expense_by_category"]])

    work = Section("六、省级工作")
    honours = p["honour_campaigns"]
    work.say(f"开展荣誉推荐 {len(honours)} 项，各校推荐 {sum(c['nominations'] for c in honours)} 人次，授予荣誉 "
             f"{p['honours_granted']} 人次。" if honours else f"全年授予荣誉 {p['honours_granted']} 人次。")
    work.table(f"{year}年荣誉推荐", ["荣誉推荐活动", "状态", "推荐", "授予"],
               [[c["title"], c["status"], c["nominations"], c["awarded"]] for c in honours])
    if p["competitions"]:
        work.say("举办教学竞赛 {n} 项，报名 {e} 人，获一等奖 {a} 人、二等奖 {b} 人、三等奖 {c} 人。".format(
            n=len(p["competitions"]), e=sum(c["entries"] for c in p["competitions"]),
            a=sum(c["first"] for c in p["competitions"]), b=sum(c["second"] for c in p["competitions"]),
            c=sum(c["third"] for c in p["competitions"])))
    work.say(f"开展先进教职工之家评选 {p['staffhome_rounds']} 轮，确认先进教职工之家 {p['homes_confirmed']} 个、"
             f"先进教职工小家 {p['small_homes_confirmed']} 个。")
    work.say(f"经费补助项目 {len(p['subsidy_programmes'])} 个，核定补助 {yuan(p['subsidies_allocated'])}，已拨付 "
             f"{yuan(p['subsidies_disbursed'])}。")
    work.table(f"{year}年经费补助", ["项目", "资金池", "已核定", "已拨付"],
               [[r["title"], yuan(r["pool"]), yuan(r["allocated"]), yuan(r["disbursed"])]
                for r in p["subsidy_programmes"]])
    work.say(f"发布省级通知 {len(p['circulars'])} 份，各校应落实要点 {p['circular_points_expected']} 项（校×要点），已完成 "
             f"{p['circular_points_done']} 项，落实完成率 {rate(p['circular_done_rate'])}。")
    work.table(f"{year}年省级通知落实情况", ["通知", "学校", "已签收", "要点", "已完成（校×要点）", "完成率"],
               [[c["title"], c["schools"], c["acknowledged"], c["items"], c["done"], rate(c["done_rate"])]
                for c in p["circulars"]])

    plans = Section("七、下一年度工作打算").say(
        f"（请结合上级部署填写{year + 1}年全区教育工会工作打算。）", placeholder=True)
    title = f"{PROVINCE_UNION}{year}年工作总结（初稿）"
    return Draft(title=title, intro=SOURCE_NOTE.format(date=cn_date(f["drafted_on"])),
                 sections=[overview, congress, care, activities, money, work, plans], file_name=f"{title}.docx",
                 closing=[PROVINCE_UNION, cn_date(f["drafted_on"])])

