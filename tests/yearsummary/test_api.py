"""The summary's API on a school host (union office only) and on the provincial host (provincial admin only)."""
import io

from docx import Document

from shared.stats.services import rollup_now
from shared.stats.models import SchoolStats
from tenants.accounts.roles import Role


def test_the_union_office_lists_years_reads_figures_and_downloads_the_docx(guilin, year_of_work, host_client):
    office = host_client(guilin, [Role.UNION_ADMIN])
    years = office.get("/api/v1/summary/").json()["results"]
    assert year_of_work in [row["year"] for row in years] and {r["school_slug"] for r in years} == {"guilin"}
    figures = office.get(f"/api/v1/summary/{year_of_work}/").json()
    assert figures["congress"]["received"] == 4 and figures["congress"]["acceptance_rate"] == "75.0"
    assert figures["money"]["expense_total"] == "1234.50" and figures["school"]["slug"] == "guilin"
    download = office.get(f"/api/v1/summary/{year_of_work}/docx/")
    assert download.status_code == 200 and download["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    assert "filename*=UTF-8''" in download["Content-Disposition"]
    assert Document(io.BytesIO(download.content)).paragraphs[0].text.startswith("桂林学院工会")


def test_a_year_out_of_range_is_refused_in_chinese_naming_year(guilin, host_client):
    office = host_client(guilin, [Role.UNION_ADMIN])
    for year in ("1999", "2999"):
        for suffix in ("", "docx/"):
            response = office.get(f"/api/v1/summary/{year}/{suffix}")
            assert response.status_code == 400 and "年度" in response.json()["errors"]["year"][0]


def test_only_the_union_office_reads_the_summary(guilin, province, host_client):
    year = 2025
    for roles in ([Role.MEMBER], [Role.BRANCH_CHAIR], []):
        member = host_client(guilin, roles)
        for path in ("/api/v1/summary/", f"/api/v1/summary/{year}/", f"/api/v1/summary/{year}/docx/"):
            assert member.get(path).status_code == 403
    # the school host does not serve the province's version, nor the province the school's
    school_admin = host_client(guilin, [Role.UNION_ADMIN])
    school_admin.defaults["HTTP_HOST"] = "localhost"
    assert school_admin.get("/api/v1/summary/").status_code == 401
    for role in (Role.PROVINCE_REVIEWER, Role.JUDGE):
        assert host_client(province, [role]).get("/api/v1/summary/").status_code == 403


def test_the_region_docx_sums_the_roll_up_rows(guilin, huzhou, province, year_of_work, host_client):
    rollup_now(years=[year_of_work])
    admin = host_client(province, [Role.PROVINCE_ADMIN])
    figures = admin.get(f"/api/v1/summary/{year_of_work}/").json()
    rows = SchoolStats.objects.filter(year=year_of_work)
    assert figures["totals"]["new_members"] == sum(r.new_members for r in rows) >= 8
    assert figures["totals"]["proposals_received"] == sum(r.proposals_received for r in rows) >= 8
    assert figures["totals"]["members"] == sum(r.members_by_status.get("active", 0) for r in rows)
    assert {row["slug"] for row in figures["schools"]} >= {"guilin", "huzhou"}
    download = admin.get(f"/api/v1/summary/{year_of_work}/docx/")
    document = Document(io.BytesIO(download.content))
    assert document.paragraphs[0].text == f"自治区教育工会{year_of_work}年工作总结（初稿）"
    table = document.tables[0]
    cells = [[c.text for c in row.cells] for row in table.rows]
    assert cells[0][:3] == ["学校", "在会会员", "新入会"] and cells[-1][0] == "合计"
    body = cells[1:-1]
    assert int(cells[-1][2]) == sum(int(r[2]) for r in body) == figures["totals"]["new_members"]
    assert int(cells[-1][1]) == sum(int(r[1]) for r in body)
    assert any(r[0] == "湖州师范学院" and r[2] == "5" for r in body)
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"全区各校教代会全年共受理提案 {figures['totals']['proposals_received']} 件" in text
    assert "六、省级工作" in text and "落实完成率" in text


def test_the_region_draft_gives_the_roll_ups_time_in_beijing_time_on_the_page_and_in_the_docx(
        guilin, province, year_of_work, host_client):
    import datetime

    from tests.conftest import signed_in, text

    rollup_now(years=[year_of_work])
    # 2026-11-21 17:26 UTC is 2026-11-22 01:26 in Asia/Shanghai
    SchoolStats.objects.filter(year=year_of_work).update(
        computed_at=datetime.datetime(2026, 11, 21, 17, 26, tzinfo=datetime.timezone.utc))
    admin = host_client(province, [Role.PROVINCE_ADMIN])
    document = Document(io.BytesIO(admin.get(f"/api/v1/summary/{year_of_work}/docx/").content))
    body = "\n".join(p.text for p in document.paragraphs)
    assert "截至2026年11月22日 01:26的统计汇总" in body and "17:26" not in body
    # the page's header and the draft shown on it say the same time
    page = text(signed_in(province, [Role.PROVINCE_ADMIN]).get("/summary/", {"year": year_of_work}))
    assert "各校数据来自 2026年11月22日 01:26 的统计汇总" in page
    assert "截至2026年11月22日 01:26的统计汇总" in page and "17:26" not in page
