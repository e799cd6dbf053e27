"""The 年度工作总结 pages: the school's (union office) and the region's (provincial admin)."""
import io

from docx import Document

from tenants.accounts.roles import Role
from tests.conftest import signed_in, text
from tests.yearsummary.conftest import year_of_work  # noqa: F401  (a fixture)


def test_the_office_sees_the_figures_then_downloads_the_draft(guilin, year_of_work):  # noqa: F811
    office = signed_in(guilin, [Role.UNION_ADMIN])
    page = office.get("/summary/", {"year": year_of_work})
    assert page.status_code == 200
    body = text(page)
    assert f"桂林学院工会{year_of_work}年工会工作总结（初稿）" in body
    assert "全年共受理提案 4 件，立案 3 件，立案率 75.0%" in body and "下载年度工作总结（.docx）" in body
    assert f"/summary/{year_of_work}/docx/" in body and f'value="{year_of_work}" selected' in body
    download = office.get(f"/summary/{year_of_work}/docx/")
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    assert Document(io.BytesIO(download.content)).paragraphs[0].text.endswith("年工会工作总结（初稿）")
    # a year not on offer: the page falls back to the default one, the download does not exist
    assert office.get("/summary/", {"year": "1999"}).status_code == 200
    assert office.get("/summary/1999/docx/").status_code == 404


def test_only_the_union_office_opens_the_school_summary(guilin, huzhou):
    for roles in ([Role.MEMBER], [Role.BRANCH_CHAIR]):
        client = signed_in(guilin, roles)
        assert client.get("/summary/").status_code == 403
        assert client.get("/summary/2025/docx/").status_code == 403
    # another school's office, on its own host, sees its own school's draft only
    theirs = text(signed_in(huzhou, [Role.UNION_ADMIN]).get("/summary/"))
    assert "湖州师范学院工会" in theirs and "桂林学院" not in theirs


def test_the_province_drafts_the_regions_summary_and_schools_cannot_reach_it(province, guilin):
    admin = signed_in(province, [Role.PROVINCE_ADMIN])
    page = admin.get("/summary/")
    assert page.status_code == 200 and "下载全区年度工作总结（.docx）" in text(page)
    assert "六、省级工作" in text(page)
    year = page.context["year"]
    download = admin.get(f"/summary/{year}/docx/")
    assert download.status_code == 200
    assert Document(io.BytesIO(download.content)).paragraphs[0].text == f"自治区教育工会{year}年工作总结（初稿）"
    assert signed_in(province, [Role.PROVINCE_REVIEWER]).get("/summary/").status_code == 403
    # the school host serves the school's page at /summary/, never the region's download
    office = signed_in(guilin, [Role.UNION_ADMIN])
    assert "全区" not in text(office.get("/summary/"))
    assert office.get("/province/summary/").status_code == 404
