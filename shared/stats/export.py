from tenants import xlsx
from tenants.members.models import EmploymentType, Member

STATUS = dict(Member.Status.choices)
EMPLOYMENT = dict(EmploymentType.choices)
COLUMNS = [("members_total", "会员总数"), ("new_members", "本年新入会"), ("proposals_received", "收到提案"),
           ("proposals_accepted", "立案"), ("proposals_closed", "办结"), ("proposals_rated", "已评价"),
           ("proposals_satisfied", "满意和基本满意"), ("income", "已审批收入（元）"), ("spent", "已审批支出（元）"),
           ("care_visits", "慰问人次"), ("care_amount", "慰问金额（元）"), ("hardship_cases", "在册困难教职工"),
           ("aid_payouts", "互助金给付（元）"), ("activities_held", "举办活动（场）"),
           ("activity_participants", "活动参与（人次）"), ("activity_attended", "活动签到（人次）"),
           ("trip_travellers", "疗休养（人次）"), ("award_winners", "评先评优获评"), ("health_checked", "已体检（人）"),
           ("health_eligible", "应体检（人）")]


def workbook(board: dict) -> bytes:
    book = xlsx.new_workbook()
    sheet = book.active
    sheet.title = f"{board['year']}年统计"
    statuses, kinds = list(STATUS), list(EMPLOYMENT)
    xlsx.append(sheet, ["学校", *[label for _, label in COLUMNS], *[f"会员·{STATUS[s]}" for s in statuses],
                  *[f"在会·{EMPLOYMENT[k]}" for k in kinds]])

    def line(name, source, by_status, by_employment):
        xlsx.append(sheet, [name, *[source(field) for field, _ in COLUMNS], *[by_status.get(s, 0) for s in statuses],
                      *[by_employment.get(k, 0) for k in kinds]])

    for row in board["rows"]:
        line(row.school.name, lambda f, r=row: getattr(r, f), row.members_by_status, row.members_by_employment)
    totals = board["totals"]
    line("合计", lambda f: totals[f], totals["members_by_status"], totals["members_by_employment"])
    return xlsx.to_bytes(book)


UNITS = {"money": "（元）", "percent": "（%）"}


def chart_workbook(chart, year: int) -> bytes:
    """One dashboard chart's table (shared.stats.selectors.Chart) as .xlsx: a row per school and
    the region's total; amounts in yuan and rates in percent as numbers, an empty cell where a
    school has no figure."""
    book = xlsx.new_workbook()
    sheet = book.active
    sheet.title = f"{year}年"
    xlsx.append(sheet, [chart.title])
    xlsx.append(sheet, [chart.note])
    xlsx.append(sheet, ["学校", *[s.name + UNITS.get(s.format, "") for s in chart.series]])
    for row in chart.rows:
        xlsx.append(sheet, [row["school"].name, *[cell["value"] for cell in row["cells"]]])
    xlsx.append(sheet, ["全区合计", *[cell["value"] for cell in chart.totals]])
    return xlsx.to_bytes(book)
