"""A circular's 落实情况 as an .xlsx workbook (through tenants/xlsx.py, the project's one openpyxl user).

Sheet 落实情况: one row per school — signing, then each point's progress in words (未开始 / 推进中 /
已完成 / 未填报), then how many are done. Sheet 要点: the points the column heads stand for.
Sheet 填报明细: every report with its text, who filled it in and when.
"""
from __future__ import annotations

from django.utils import timezone

from shared.circulars.models import ItemReport
from shared.circulars.services import circular_matrix
from tenants import xlsx
from tenants.text import cn_date

NOT_REPORTED = "未填报"
PROGRESS = dict(ItemReport.Status.choices)


def _when(value) -> str:
    if not value:
        return ""
    local = timezone.localtime(value)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def file_name(circular) -> str:
    return f"{circular.title[:60]}-落实情况.xlsx"


def matrix_workbook(circular) -> bytes:
    matrix = circular_matrix(circular)
    items = matrix["items"]
    book = xlsx.new_workbook()
    sheet = book.active
    sheet.title = "落实情况"
    xlsx.append(sheet, ["学校", "站点标识", "签收", "签收时间", "签收人",
                        *[f"{item['code']} {item['title']}" for item in items], "已完成要点"])
    for row in matrix["schools"]:
        xlsx.append(sheet, [row["school_name"], row["school"], "已签收" if row["acknowledged_at"] else "未签收",
                            _when(row["acknowledged_at"]), row["acknowledged_by"],
                            *[PROGRESS.get(row["items"][str(item["id"])], NOT_REPORTED) for item in items],
                            f"{row['done']} / {len(items)}"])

    points = book.create_sheet("要点")
    xlsx.append(points, ["编号", "章节", "序号", "要点", "完成期限"])
    for item in items:
        xlsx.append(points, [item["code"], item["section"], item["number"], item["title"],
                             cn_date(item["due_on"]) if item["due_on"] else ""])

    details = book.create_sheet("填报明细")
    xlsx.append(details, ["学校", "要点编号", "要点", "进展", "落实情况", "填报人", "填报时间"])
    codes = {item["id"]: item["code"] for item in items}
    reports = (ItemReport.objects.filter(item__circular=circular).select_related("school", "item")
               .order_by("school__slug", "item__order"))
    for report in reports:
        xlsx.append(details, [report.school.name, codes.get(report.item_id, ""), report.item.title,
                              report.get_status_display(), report.text, report.updated_by, _when(report.updated_at)])
    return xlsx.to_bytes(book)
