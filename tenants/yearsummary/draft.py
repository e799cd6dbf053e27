"""The school's draft summary: the figures of tenants.yearsummary.figures put into the headings a
union uses in its 年度工作总结, in Chinese sentences (few figures) and tables (many)."""
from __future__ import annotations

import datetime

from django.utils import timezone

from tenants.members.models import EmploymentType
from tenants.yearsummary.docx import Draft, Section, rate, yuan

SOURCE_NOTE = "本初稿由教育工会云平台根据{date}的平台数据自动生成，数字以平台登记为准，请办公室核对、修改、补充后使用。"
NEXT_YEAR = ("（请办公室结合学校党委和上级工会的部署填写{next}年工作打算，例如：围绕学校中心工作，加强会员"
             "组织建设；办好教代会，提高提案办理质量；做实帮扶慰问和困难教职工帮扶；丰富文体活动；规范经费管理。）")


def cn_date(day) -> str:
    """2026年3月5日; a datetime is read in the site's time zone (Asia/Shanghai), never in UTC."""
    if isinstance(day, datetime.datetime) and timezone.is_aware(day):
        day = timezone.localtime(day)
    return f"{day.year}年{day.month}月{day.day}日"


def cn_datetime(moment: datetime.datetime) -> str:
    """2026年11月22日 09:26 in the site's time zone (as the pages' cn_datetime shows it)."""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return f"{cn_date(local)} {local:%H:%M}"


def _members(f: dict, year: int) -> Section:
    m = f["members"]
    section = Section("一、基本情况（会员与组织建设）")
    as_of = "年末" if m["as_of"].month == 12 and m["as_of"].day == 31 else f"截至{cn_date(m['as_of'])}"
    section.say(f"{as_of}，本会共有在会会员 {m['at_year_end']} 人，设分工会 {m['branches']} 个、工会小组 "
                f"{m['groups']} 个。全年新入会会员 {m['new']} 人；退会 {m['left']} 人，退休 {m['retired']} 人，"
                f"转出 {m['transferred']} 人。")
    by_type = [[label, m["by_employment"].get(kind, 0)] for kind, label in EmploymentType.choices
               if m["by_employment"].get(kind)]
    section.table(f"{year}年{as_of}在会会员（按用工类型）", ["用工类型", "人数"], by_type)
    return section


def _congress(f: dict, year: int) -> Section:
    c = f["congress"]
    section = Section("二、民主管理（教代会与提案）")
    if c["held"]:
        names = "、".join(row["title"] for row in c["congresses"])
        section.say(f"全年召开教职工代表大会 {c['held']} 次（{names}）。全年共受理提案 {c['received']} 件，立案 "
                    f"{c['accepted']} 件，立案率 {rate(c['acceptance_rate'])}；立案后进入办理 {c['handled']} 件，已办结 "
                    f"{c['closed']} 件，办结率 {rate(c['closure_rate'])}；已评价 {c['rated']} 件，满意和基本满意 "
                    f"{c['satisfied']} 件，满意率 {rate(c['satisfaction_rate'])}。")
        section.table(f"{year}年教代会提案办理情况", ["教代会", "受理", "立案", "立案率", "办结", "办结率", "满意率"],
                      [[row["title"], row["received"], row["accepted"], rate(row["acceptance_rate"]), row["closed"],
                        rate(row["closure_rate"]), rate(row["satisfaction_rate"])] for row in c["congresses"]])
    else:
        section.say(f"{year}年平台上没有登记召开的教职工代表大会。")
    if c["branch_held"]:
        section.say(f"各分工会召开二级教代会 {c['branch_held']} 次。")
    section.say(f"全年收到教职工意见建议 {c['suggestions_received']} 条，已答复 {c['suggestions_answered']} 条。")
    return section


def _care(f: dict, year: int) -> Section:
    c = f["care"]
    section = Section("三、关心关爱（帮扶慰问、困难帮扶、互助保障）")
    section.say(f"全年开展帮扶慰问 {c['visits']} 人次，发放慰问金 {yuan(c['amount'])}。")
    section.table(f"{year}年帮扶慰问（按类别）", ["类别", "人次", "金额"],
                  [[row["label"], row["count"], yuan(row["amount"])] for row in c["by_kind"]])
    section.say(f"全年新建困难教职工档案 {c['hardship_registered']} 户，脱困 {c['hardship_closed']} 户，目前在册 "
                f"{c['hardship_on_register']} 户。互助保障全年给付 {c['aid_claims_paid']} 笔，金额 {yuan(c['aid_paid'])}。")
    return section


def _activities(f: dict, year: int) -> Section:
    a = f["activities"]
    section = Section("四、文体活动与疗休养")
    section.say(f"全年举办文体活动 {a['held']} 场，报名参与 {a['participants']} 人次（{a['people']} 人），签到 "
                f"{a['attended']} 人次。")
    section.say(f"组织教职工健康体检，应检 {a['health_eligible']} 人，已检 {a['health_checked']} 人，覆盖率 "
                f"{rate(a['health_rate'])}。组织疗休养 {a['trips']} 批次、{a['trip_travellers']} 人次。")
    section.say(f"开展评先评优 {a['award_campaigns']} 项，{a['award_winners']} 个人和集体获评（个人 {a['award_persons']}、"
                f"集体 {a['award_collectives']}）。")
    return section


def _money(f: dict, year: int) -> Section:
    m = f["money"]
    section = Section("五、经费收支")
    section.say(f"按平台账目中已审批的收支统计（未审批的不计入），全年收入 {yuan(m['income_total'])}，支出 "
                f"{yuan(m['expense_total'])}，收支相抵 {yuan(m['balance'])}。"
                + (f"另有 {m['pending_count']} 笔、{yuan(m['pending_amount'])} 尚待审批，未计入。" if m["pending_count"]
                   else ""))
    header = ["科目", "已审批金额", "笔数"]
    section.table(f"{year}年已审批收入（按科目）", header,
                  [[r["label"], yuan(r["amount"]), r["entries"]] for r in m["income"] if r["entries"]])
    section.table(f"{year}年已审批支出（按科目）", header,
                  [[r["label"], yuan(r["amount"]), r["entries"]] for r in m["expense"] if r["entries"]])
    return section


def _plan(f: dict, year: int) -> Section:
    p = f["plan"]
    section = Section("六、年度工作计划完成情况")
    if not p["exists"]:
        return section.say(f"平台上没有{year}年的工作计划（工作要点），请办公室补充本年计划的完成情况。")
    section.say(f"《{p['title']}》共列工作任务 {p['planned']} 项，已完成 {p['done']} 项，推进中 {p['in_progress']} 项，"
                f"未开始 {p['not_started']} 项，已取消 {p['cancelled']} 项，完成率 {rate(p['done_rate'])}"
                "（已完成 ÷ 未取消的任务）。")
    if p["pledges"]:
        section.say(f"年初向教职工承诺的十件实事，已完成 {p['pledges_done']} 件。")
        section.table(f"{year}年十件实事完成情况", ["序号", "实事", "状态", "进度"],
                      [[row["number"] or str(i), row["title"], row["status_label"], f"{row['progress']}%"]
                       for i, row in enumerate(p["pledges"], 1)])
    return section


def school_draft(f: dict) -> Draft:
    year = f["year"]
    sections = [build(f, year) for build in (_members, _congress, _care, _activities, _money, _plan)]
    sections.append(Section("七、下一年度工作打算").say(NEXT_YEAR.format(next=year + 1), placeholder=True))
    return Draft(title=f"{f['union_name']}{year}年工会工作总结（初稿）",
                 intro=SOURCE_NOTE.format(date=cn_date(f["drafted_on"])), sections=sections,
                 file_name=f"{f['union_name']}{year}年工会工作总结（初稿）.docx",
                 closing=[f["union_name"], cn_date(f["drafted_on"])])
