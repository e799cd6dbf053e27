"""Spreadsheets in and out are safe to open: no live formulas out, no zip bombs in."""
import io
import re
import resource
import time
import zipfile
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tenants.accounts.roles import Role
from tenants.members.models import Department, Member
from tenants.models import School
from tests.congress.fixtures import to_state
from tests.conftest import in_schema
from tests.members.factories import a_branch, a_member
from tests.members.test_roster import upload, workbook

HOSTILE = ['=HYPERLINK("http://x","点击")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "＝1+1"]


def cells(content: bytes, sheet=None):
    book = load_workbook(io.BytesIO(content))
    return [cell for row in (book[sheet] if sheet else book.active).iter_rows() for cell in row]


def assert_shown_as_text(all_cells, texts):
    found = {cell.value: cell for cell in all_cells if cell.value in texts}
    assert set(found) == set(texts)
    for cell in found.values():
        assert cell.data_type == "s" and cell.quotePrefix, f"{cell.value!r} would be evaluated"


def test_member_names_that_look_like_formulas_are_exported_as_their_text(guilin, host_client):
    branch = a_branch(guilin, "文学院")
    for name in HOSTILE:
        a_member(guilin, branch=branch, name=name)
    response = host_client(guilin, [Role.UNION_ADMIN]).get("/api/v1/members/export/")
    assert response.status_code == 200
    assert_shown_as_text(cells(response.content), HOSTILE)
    assert not [cell for cell in cells(response.content) if cell.data_type == "f"]


def test_department_names_in_the_congress_figures_are_exported_as_text(guilin, congress_setting):
    c = congress_setting
    with in_schema(guilin):
        Department.objects.filter(pk=c.jiaowu.pk).update(name=HOSTILE[0])
    to_state(c, "assigned")
    response = c.office.get(f"/api/v1/congresses/{c.congress.pk}/figures/export/")
    assert response.status_code == 200
    assert_shown_as_text(cells(response.content, "各部门办理情况"), [HOSTILE[0]])


def test_school_names_in_the_provincial_statistics_are_exported_as_text(guilin, province, host_client,
                                                                        django_capture_on_commit_callbacks):
    School.objects.filter(pk=guilin.pk).update(name=" \t" + HOSTILE[1])
    admin = host_client(province, [Role.PROVINCE_ADMIN])
    year = timezone.localdate().year
    with django_capture_on_commit_callbacks(execute=True):  # the request commits; the outbox sends
        assert admin.post("/api/v1/stats/refresh/", {"year": year}, format="json").status_code == 202
    response = admin.get("/api/v1/stats/export/", {"year": year})
    assert response.status_code == 200
    assert_shown_as_text(cells(response.content), [" \t" + HOSTILE[1]])


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory):
    """A real .xlsx whose shared strings expand to 300 MB, built in 1 MB chunks (never in memory)."""
    path = tmp_path_factory.mktemp("bomb") / "名册.xlsx"
    chunk = ("<si><t>" + "炸" * 80 + "</t></si>").encode() * 4000
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats'
                                                '.org/package/2006/content-types"/>')
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            written = 0
            while written < 300 * 1024 * 1024:
                part.write(chunk)
                written += len(chunk)
            part.write(b"</sst>")
    return path


def test_a_zip_bomb_roster_is_refused_before_it_is_expanded(guilin, host_client, zip_bomb):
    assert zip_bomb.stat().st_size < 2 * 1024 * 1024
    admin = host_client(guilin, [Role.UNION_ADMIN])
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    with open(zip_bomb, "rb") as bomb:
        response = admin.post("/api/v1/members/import/", {"file": bomb}, format="multipart")
    elapsed = time.monotonic() - started
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024

    assert response.status_code == 400
    assert "压缩炸弹" in response.json()["problems"][0]["message"]
    assert grown_mb < 50 and elapsed < 5
    with in_schema(guilin):
        assert not Member.objects.exists()


def test_a_roster_file_over_the_size_limit_is_refused_unread(guilin, host_client):
    admin = host_client(guilin, [Role.UNION_ADMIN])
    big = io.BytesIO(b"PK" + b"\0" * (11 * 1024 * 1024))
    big.name = "名册.xlsx"
    response = admin.post("/api/v1/members/import/", {"file": big}, format="multipart")
    assert response.status_code == 400 and "10 MB" in response.json()["problems"][0]["message"]


def test_a_request_body_over_the_global_limit_is_413_before_it_is_read(guilin, host_client, settings):
    settings.MAX_REQUEST_BYTES = 1024
    admin = host_client(guilin, [Role.UNION_ADMIN])
    big = io.BytesIO(b"PK" + b"\0" * 4096)
    big.name = "名册.xlsx"
    response = admin.post("/api/v1/members/import/", {"file": big}, format="multipart")
    assert response.status_code == 413 and "太大" in response.json()["detail"]


def test_every_workbook_is_written_and_read_through_the_one_safe_helper():
    root = Path(__file__).resolve().parents[2]
    users = sorted(str(path.relative_to(root)) for folder in ("api", "tenants", "shared", "web", "config")
                   for path in (root / folder).rglob("*.py")
                   if re.search(r"^\s*(from|import)\s+openpyxl", path.read_text(encoding="utf-8"), re.M))
    assert users == ["tenants/xlsx.py"]


def test_a_roster_row_with_control_characters_or_an_absurd_date_is_reported_and_nothing_written(guilin, host_client):
    a_branch(guilin, "文学院")
    admin = host_client(guilin, [Role.UNION_ADMIN])
    rows = [["张\n三", "男", "2019001", "文学院", "", "在编", "2019-09-01", "", ""],
            ["李四", "女", "2019002", "文学院", "", "在编", "1899-09-01", "", ""]]
    response = upload(admin, workbook(rows))
    assert response.status_code == 400
    problems = {(p["row"], p["column"]) for p in response.json()["problems"]}
    assert problems == {(2, "姓名"), (3, "入会日期")}
    with in_schema(guilin):
        assert not Member.objects.exists()


def test_a_roster_whose_sheet_breaks_part_way_is_refused_not_a_500(guilin, host_client):
    a_branch(guilin, "文学院")
    good = workbook([["张三", "男", "2019001", "文学院", "", "在编", "2019-09-01", "", ""]]).getvalue()
    broken = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(broken, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info, data[: len(data) // 2] if info.filename.startswith("xl/worksheets/") else data)
    broken.seek(0)
    broken.name = "名册.xlsx"
    response = upload(host_client(guilin, [Role.UNION_ADMIN]), broken)
    assert response.status_code == 400 and "不是有效的" in response.json()["problems"][0]["message"]
