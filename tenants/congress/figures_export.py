"""The proposal figures as an .xlsx workbook (the yearly report a union files)."""
from tenants import xlsx


def _rate(value) -> str:
    return "—" if value is None else f"{value}%"


def workbook(figures: dict) -> bytes:
    book = xlsx.new_workbook()
    summary = book.active
    summary.title = "提案工作统计"
    c = figures["congress"]
    xlsx.append(summary, ["届次", c["label"]])
    for label, key in (("收到提案", "received"), ("立案（含并案）", "accepted"), ("并案", "merged"),
                       ("转为意见建议", "suggestions"), ("不立案", "not_accepted"), ("办结", "closed"),
                       ("已评价", "rated"), ("满意和基本满意", "satisfied"), ("督办中", "overdue")):
        xlsx.append(summary, [label, c[key]])
    xlsx.append(summary, ["立案率", _rate(c["acceptance_rate"])])
    xlsx.append(summary, ["办结率", _rate(c["closure_rate"])])
    xlsx.append(summary, ["满意率", _rate(c["satisfaction_rate"])])
    departments = book.create_sheet("各部门办理情况")
    xlsx.append(departments, ["部门", "交办", "按期答复", "逾期答复", "逾期未复"])
    for row in figures["departments"]:
        xlsx.append(departments, [row["name"], row["assigned"], row["replied_on_time"], row["replied_late"], row["overdue"]])
    return xlsx.to_bytes(book)
