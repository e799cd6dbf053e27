from tenants import xlsx
from tenants.members.models import EmploymentType, Member

STATUS = dict(Member.Status.choices)
EMPLOYMENT = dict(EmploymentType.choices)
COLUMNS = [("members_total", "会员总数"), ("new_members", "本年新入会"), ("proposals_received", "收到提案"),
           ("proposals_accepted", "立案"), ("proposals_closed", "办结"), ("proposals_rated", "已评价"),
           ("proposals_satisfied", "满意和基本满意"), ("income", "已审批收入（元）"), ("spent", "已审批支出（元）")]


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
