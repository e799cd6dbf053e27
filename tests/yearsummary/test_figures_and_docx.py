"""The school's year summary: figures that match what was recorded, a .docx that says them under
the summary's headings in East Asian fonts, and nothing of another school."""
import datetime
import io

from django.utils import timezone
from docx import Document
from docx.oxml.ns import qn

from tenants.yearsummary.docx import write
from tenants.yearsummary.draft import school_draft
from tenants.yearsummary.figures import default_year, school_figures, summary_years
from tests.conftest import in_schema

HEADINGS = ["一、基本情况（会员与组织建设）", "二、民主管理（教代会与提案）",
            "三、关心关爱（帮扶慰问、困难帮扶、互助保障）", "四、文体活动与疗休养", "五、经费收支",
            "六、年度工作计划完成情况", "七、下一年度工作打算"]


def all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_the_figures_are_what_the_school_recorded(guilin, year_of_work):
    with in_schema(guilin):
        f = school_figures(guilin, year_of_work)
    m, c, care, money, plan = f["members"], f["congress"], f["care"], f["money"], f["plan"]
    assert (m["at_year_end"], m["new"], m["left"], m["retired"]) == (3, 3, 1, 0)
    assert (c["held"], c["received"], c["accepted"], str(c["acceptance_rate"])) == (1, 4, 3, "75.0")
    assert (c["handled"], c["closed"], str(c["closure_rate"]), str(c["satisfaction_rate"])) == (3, 1, "33.3", "100.0")
    assert (care["visits"], str(care["amount"])) == (1, "500.00")
    assert [(k["kind"], k["count"], str(k["amount"])) for k in care["by_kind"]] == [("hospital", 1, "500.00")]
    # approved entries only: the care visit's expense and the 999.00 still wait for approval
    assert (str(money["expense_total"]), money["pending_count"]) == ("1234.50", 2)
    assert (plan["planned"], plan["done"], plan["cancelled"], str(plan["done_rate"])) == (6, 3, 1, "60.0")
    assert [p["status"] for p in plan["pledges"]] == ["done", "in_progress"] and plan["pledges_done"] == 1


def test_the_docx_has_the_headings_the_sentences_and_east_asian_fonts(guilin, year_of_work):
    with in_schema(guilin):
        draft = school_draft(school_figures(guilin, year_of_work))
    document = Document(io.BytesIO(write(draft)))
    assert document.paragraphs[0].text == f"桂林学院工会{year_of_work}年工会工作总结（初稿）"
    assert "根据" in document.paragraphs[1].text and "请办公室核对、修改" in document.paragraphs[1].text
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"] == HEADINGS
    text = all_text(document)
    assert "全年共受理提案 4 件，立案 3 件，立案率 75.0%" in text
    assert "年末，本会共有在会会员 3 人" in text and "全年新入会会员 3 人；退会 1 人" in text
    assert "全年开展帮扶慰问 1 人次，发放慰问金 ¥500.00。" in text
    assert "支出 ¥1,234.50" in text and "未审批的不计入" in text
    assert "共列工作任务 6 项，已完成 3 项" in text and "完成率 60.0%" in text
    assert len(document.tables) >= 3  # members by type, congress, care by kind, expense, 十件实事
    assert document.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋"
    runs = [r for p in document.paragraphs for r in p.runs]
    assert runs and all(r._element.rPr.rFonts.get(qn("w:eastAsia")) for r in runs)
    assert "张三" not in text  # counts, never a member's name


def test_guilins_document_holds_nothing_of_huzhou(guilin, huzhou, year_of_work):
    with in_schema(guilin):
        text = all_text(Document(io.BytesIO(write(school_draft(school_figures(guilin, year_of_work))))))
    with in_schema(huzhou):
        theirs = all_text(Document(io.BytesIO(write(school_draft(school_figures(huzhou, year_of_work))))))
    assert "8,765.43" not in text and "湖州" not in text and "全年新入会会员 5 人" not in text
    assert "8,765.43" in theirs and "全年新入会会员 5 人" in theirs and "1,234.50" not in theirs


def test_the_years_on_offer_and_the_default_one(guilin):
    assert default_year(datetime.date(2026, 2, 28)) == 2025 and default_year(datetime.date(2026, 3, 1)) == 2026
    with in_schema(guilin):
        years = summary_years()
    this = timezone.localdate().year
    assert years[:5] == [this, this - 1, this - 2, this - 3, this - 4] and all(y <= this for y in years)
