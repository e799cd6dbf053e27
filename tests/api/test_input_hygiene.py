"""What the API accepts in text and dates, whichever endpoint takes it."""
import importlib
import inspect
import pkgutil

import pytest
from rest_framework import serializers as drf

import api.serializers
from api.serializers import InputHygieneMixin
from tenants.accounts.roles import Role
from tenants.members.models import Branch, Member
from tenants.models import School
from tests.conftest import in_schema
from tests.members.factories import a_branch


@pytest.fixture
def admin(guilin, host_client):
    return host_client(guilin, [Role.UNION_ADMIN])


def test_a_branch_can_be_created_inactive(admin, guilin):
    response = admin.post("/api/v1/branches/", {"name": "停办的分工会", "is_active": False}, format="json")
    assert response.status_code == 201 and response.json()["is_active"] is False
    with in_schema(guilin):
        assert Branch.objects.get(name="停办的分工会").is_active is False


@pytest.mark.parametrize("name", ["Ï\rG", "退格\x08", "换\n行", "制表\t符", "空\x00字符", "\x1b[31m红"])
def test_control_characters_in_a_name_are_refused_naming_the_field(admin, guilin, name):
    response = admin.post("/api/v1/branches/", {"name": name}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()["errors"] and "name" in response.json()["detail"]
    with in_schema(guilin):
        assert not Branch.objects.filter(name__contains=name.strip()[:1]).exclude(name="文学院").exists()


def test_a_school_cannot_be_renamed_with_a_carriage_return(province, guilin, host_client):
    admin = host_client(province, [Role.PROVINCE_ADMIN])
    response = admin.patch("/api/v1/schools/guilin/", {"name": "Ï\rG"}, format="json")
    assert response.status_code == 400 and "name" in response.json()["errors"]
    assert School.objects.get(pk=guilin.pk).name == "桂林学院"


def test_control_characters_sent_as_a_form_are_refused_too(admin):
    response = admin.post("/api/v1/branches/", {"name": "退格\x08"}, format="multipart")
    assert response.status_code == 400 and "name" in response.json()["errors"]


def test_multi_line_text_keeps_newlines_and_tabs_and_normalizes_windows_line_ends(guilin, host_client):
    member = host_client(guilin, [Role.MEMBER])
    response = member.post("/api/v1/suggestions/", {"title": "建议增加校车", "content": "一、早高峰\r\n二、\t晚高峰\n"},
                           format="json")
    assert response.status_code == 201
    assert response.json()["content"] == "一、早高峰\n二、\t晚高峰"


@pytest.mark.parametrize("content", ["退格\x08", "回车\r覆盖", "响铃\x07"])
def test_multi_line_text_still_refuses_other_control_characters(guilin, host_client, content):
    member = host_client(guilin, [Role.MEMBER])
    response = member.post("/api/v1/suggestions/", {"title": "建议", "content": content}, format="json")
    assert response.status_code == 400 and "content" in response.json()["errors"]


@pytest.mark.parametrize("join_date", ["0183-09-01", "1899-12-31", "2101-01-01"])
def test_dates_outside_1900_to_2100_are_refused(admin, guilin, join_date):
    branch = a_branch(guilin, "文学院")
    response = admin.post("/api/v1/members/", {"name": "张三", "gender": "male", "employee_number": "D001",
                                               "branch": branch.pk, "employment_type": "staff",
                                               "join_date": join_date}, format="json")
    assert response.status_code == 400 and "join_date" in response.json()["errors"]
    assert "1900" in response.json()["errors"]["join_date"][0]
    with in_schema(guilin):
        assert not Member.objects.filter(employee_number="D001").exists()


def test_every_api_serializer_applies_the_input_rules():
    for module in pkgutil.iter_modules(api.serializers.__path__):
        importlib.import_module(f"api.serializers.{module.name}")
    for name in ("api.schema",):
        importlib.import_module(name)
    offenders = []
    for module_name, module in list(__import__("sys").modules.items()):
        if not module_name.startswith("api."):
            continue
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if (cls.__module__ == module_name and issubclass(cls, drf.BaseSerializer)
                    and not issubclass(cls, (InputHygieneMixin, drf.ListSerializer))):
                offenders.append(f"{module_name}.{cls.__name__}")
    assert offenders == []
