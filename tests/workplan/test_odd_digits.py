"""Digits that are not ASCII ("²".isdigit() is True, int("²") raises; "٢٠٢٥" is an Arabic-Indic year)
and ids too long for the database never give a 500: the 行事历, report, 十件实事 and 工作计划 pages
ignore them, the API refuses them in Chinese naming the field, a service refuses them naming its field."""
import pytest
from django.core.exceptions import ValidationError

from tenants.accounts.roles import Role
from tenants.text import ascii_int
from tenants.workplan import calendar as cal
from tenants.workplan import services as s
from tests.conftest import in_schema, signed_in, text
from tests.workplan.calendar_setup import make_world

YEAR = 2025
ODD = ["²", "２０２５", "٢٠٢٥", "2025²", " ", "9" * 30]


def test_parsing_refuses_what_is_not_ascii_digits():
    assert ascii_int("2025") == 2025 and ascii_int("²") is None and ascii_int("9" * 30) is None
    assert cal.parse_year("") is None and cal.parse_year("2025") == 2025
    for raw in [*ODD, "1999", "2101", "-2025"]:
        with pytest.raises(ValidationError) as refused:
            cal.parse_year(raw)
        assert refused.value.message_dict == {"year": [cal.YEAR_MESSAGE]}
    assert cal.parse_month("0") == 0 and cal.parse_month("12") == 12
    for raw in ["²", "13", "٣"]:
        with pytest.raises(ValidationError) as refused:
            cal.parse_month(raw)
        assert set(refused.value.message_dict) == {"month"}
    assert cal.owner_q("d²", None) is None and cal.owner_q("m" + "9" * 30, None) is None
    assert cal.owner_q("b٣", None) is None and cal.owner_q("d3", None) is not None
    assert cal.year_or_default("²", [2024]) == cal.year_or_default("", [2024])


def test_pages_ignore_odd_digits(guilin):
    make_world(guilin, YEAR)
    admin = signed_in(guilin, [Role.UNION_ADMIN])
    plain = signed_in(guilin, [Role.MEMBER])
    for raw in ODD:
        for client, path in [(plain, "/calendar/"), (admin, "/calendar/report/"), (plain, "/pledges/"),
                             (plain, "/workplan/"), (admin, "/workplan/")]:
            response = client.get(path, {"year": raw, "month": raw, "owner": f"d{raw}"})
            assert response.status_code == 200, (path, raw)
        response = admin.get("/calendar/report/", {"year": raw, "export": "xlsx"})
        assert response.status_code in (200, 404), raw
    # the year still chooses when it is one
    assert "2025年工会工作要点" in text(admin.get("/calendar/report/", {"year": YEAR}))
    assert plain.get("/calendar/report/", {"year": "²"}).status_code == 403


def test_the_api_refuses_odd_digits_in_chinese_naming_the_field(guilin, host_client):
    make_world(guilin, YEAR)
    plain = host_client(guilin, [Role.MEMBER])
    office = host_client(guilin, [Role.UNION_ADMIN])
    for raw in ODD:
        for path, params, field in [
                ("/api/v1/calendar/", {"year": raw}, "year"),
                ("/api/v1/calendar/", {"year": YEAR, "month": raw}, "month"),
                ("/api/v1/calendar/", {"year": YEAR, "owner": f"d{raw}"}, "owner"),
                ("/api/v1/calendar/", {"year": YEAR, "owner": f"m{raw}"}, "owner"),
                ("/api/v1/pledges/", {"year": raw}, "year"),
                ("/api/v1/workplan/tasks/", {"month": raw}, "month"),
                ("/api/v1/workplan/tasks/", {"owner": f"department:{raw}"}, "owner"),
                ("/api/v1/workplan/tasks/", {"year": raw}, "year")]:
            response = plain.get(path, params)
            assert response.status_code == 400, (path, params, response.status_code)
            body = response.json()
            assert field in body.get("errors", body), (path, params, body)
            assert any("\u4e00" <= ch <= "\u9fff" for ch in str(body)), body
    assert office.get("/api/v1/calendar-report/²/").status_code == 404
    assert office.get("/api/v1/calendar-report/٢٠٢٥/").status_code == 404
    assert office.get(f"/api/v1/calendar-report/{YEAR}/").status_code == 200
    refused = plain.get("/api/v1/calendar-report/")
    assert refused.status_code == 403 and "年终报告只有校工会" in str(refused.json())


def test_services_refuse_odd_digits_naming_the_field(guilin):
    w = make_world(guilin, YEAR)
    with in_schema(guilin):
        with pytest.raises(ValidationError) as refused:
            s._clean_year("²")
        assert set(refused.value.message_dict) == {"year"}
        for field, value in [("month", "²"), ("owner_department", "²"), ("owner_member", "٣")]:
            with pytest.raises(ValidationError) as refused:
                s._clean_task({field: value}, year=YEAR)
            assert field in refused.value.message_dict, field
        with pytest.raises(ValidationError) as refused:
            s.task_note_add(by=w["admin"], task=w["march"], text="进展", progress="⁵⁰")
        assert set(refused.value.message_dict) == {"progress"}
