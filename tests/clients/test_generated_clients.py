"""A Python client generated from each host's OpenAPI schema runs a real flow on that host.

The client is `openapi-python-client`'s output for the schema the host serves at /api/schema/
(tests/clients/conftest.py); every call below goes over HTTP to the WSGI app on 127.0.0.1 and
every answer is parsed by the generated models. An endpoint whose answer no longer matches the
schema (another status code, a missing or renamed field, another type) fails here.
"""
from __future__ import annotations

import datetime
import importlib
import inspect

from django.utils import timezone

from tenants.accounts.roles import Role
from tenants.audit.models import AuditRecord
from tests.conftest import host_of, in_schema


def operation(package, path: str):
    """operation(generated["school"], "会员.v1_members_create") — one generated endpoint module."""
    return importlib.import_module(f"{package.__name__}.api.{path}")


def model(package, name: str):
    return getattr(importlib.import_module(f"{package.__name__}.models"), name)


def test_a_school_admin_creates_a_member_reads_it_back_and_lists_members(guilin, generated, api_client):
    school = generated["school"]
    client = api_client(guilin, [Role.UNION_ADMIN], ["members:write"])

    branch = operation(school, "组织.v1_branches_create").sync_detailed(
        client=client, body=model(school, "BranchRequest")(name="计算机学院分工会"))
    assert branch.status_code == 201, branch.content.decode()

    body = model(school, "MemberWriteRequest")(
        name="李晓梅", gender=model(school, "GenderEnum")("female"), employee_number="GL20260417",
        branch=branch.parsed.id, employment_type=model(school, "EmploymentTypeEnum")("staff"),
        join_date=datetime.date(2019, 9, 1), phone="13907731234", is_front_line=True)
    created = operation(school, "会员.v1_members_create").sync_detailed(client=client, body=body)
    assert created.status_code == 201, created.content.decode()
    member = created.parsed
    assert isinstance(member, model(school, "Member"))
    assert (member.name, member.branch_name, member.status.value) == ("李晓梅", "计算机学院分工会", "active")
    assert member.phone != "13907731234" and member.phone.endswith("1234")  # masked, as in every answer

    retrieve = operation(school, "会员.v1_members_retrieve")
    assert inspect.signature(retrieve.sync).parameters["id"].annotation is int  # the id the bodies carry
    read = retrieve.sync(client=client, id=member.id)
    assert isinstance(read, model(school, "Member"))
    assert (read.id, read.employee_number, read.join_date) == (member.id, "GL20260417", datetime.date(2019, 9, 1))

    with in_schema(guilin):  # the write is audited as the key, not as a person
        assert "生成的客户端" in AuditRecord.objects.get(target_type="members.member", target_id=str(member.id),
                                                   action="create").actor_name

    page = operation(school, "会员.v1_members_list").sync(client=client, search="李晓梅")
    assert isinstance(page, model(school, "PaginatedMemberList"))
    assert page.count == 1 and [m.employee_number for m in page.results] == ["GL20260417"]

    refused = operation(school, "会员.v1_members_create").sync_detailed(
        client=client, body=model(school, "MemberWriteRequest")(name="缺字段"))
    assert refused.status_code == 400
    assert isinstance(refused.parsed, model(school, "ErrorResponse")) and "branch" in refused.parsed.errors.to_dict()


def test_the_province_creates_a_campaign_and_reads_the_nomination_a_school_submitted(
        province, guilin, generated, api_client):
    provincial, school = generated["province"], generated["school"]
    office = api_client(province, [Role.PROVINCE_ADMIN], ["provincial:write"])
    guilin_office = api_client(guilin, [Role.UNION_ADMIN], ["provincial:write"])

    body = model(provincial, "CampaignRequest")(
        kind=model(provincial, "HonourKindEnum")("regional_model"), year=timezone.localdate().year,
        title="自治区劳动模范推荐", deadline=timezone.now() + datetime.timedelta(days=30), default_quota=2)
    created = operation(provincial, "荣誉推荐省级.v1_honours_campaigns_create").sync_detailed(client=office, body=body)
    assert created.status_code == 201, created.content.decode()
    campaign = created.parsed
    assert isinstance(campaign, model(provincial, "Campaign"))
    assert (campaign.title, campaign.status.value, campaign.default_quota) == ("自治区劳动模范推荐", "open", 2)

    # guilin sees the campaign with its quota on its own host and nominates through its own client
    offered = operation(school, "荣誉推荐.v1_honours_campaigns_list").sync(client=guilin_office)
    mine = next(c for c in offered.results if c.id == campaign.id)
    assert (mine.my_quota, mine.my_used) == (2, 0)
    nominated = operation(school, "荣誉推荐.v1_honours_nominations_create").sync_detailed(
        client=guilin_office, body=model(school, "NominationInputRequest")(
            campaign=campaign.id, nominee_name="韦志强", gender=model(school, "GenderEnum")("male"),
            birth_date=datetime.date(1975, 3, 8), title="教授", deeds="扎根教学一线三十年，带出三支省级教学团队。"))
    assert nominated.status_code == 201, nominated.content.decode()

    listed = operation(provincial, "荣誉推荐省级.v1_honours_nominations_list").sync(client=office, campaign=campaign.id)
    assert isinstance(listed, model(provincial, "PaginatedNominationList"))
    assert [(n.school_name, n.name, n.status.value) for n in listed.results] == [("桂林学院", "韦志强", "submitted")]
    nomination = operation(provincial, "荣誉推荐省级.v1_honours_nominations_retrieve").sync(
        client=office, id=listed.results[0].id)
    assert (nomination.campaign_title, nomination.deeds) == ("自治区劳动模范推荐", "扎根教学一线三十年，带出三支省级教学团队。")


def test_a_key_outside_its_scope_or_its_host_gets_an_error_response(guilin, huzhou, generated, api_client):
    school = generated["school"]
    reader = api_client(guilin, [Role.UNION_ADMIN], ["members:read"])
    assert operation(school, "会员.v1_members_list").sync_detailed(client=reader).status_code == 200

    refused = operation(school, "会员.v1_members_create").sync_detailed(
        client=reader, body=model(school, "MemberWriteRequest")(name="只读密钥"))
    assert refused.status_code == 403
    assert isinstance(refused.parsed, model(school, "ErrorResponse")) and refused.parsed.detail

    elsewhere = operation(school, "会员.v1_members_list").sync_detailed(
        client=reader.with_headers({"Host": host_of(huzhou)}))
    assert elsewhere.status_code == 401
    assert isinstance(elsewhere.parsed, model(school, "ErrorResponse")) and elsewhere.parsed.detail


def test_every_generated_operation_and_model_imports(generated):
    """The generator writes code for every operation even where it cannot make sense of the schema
    (three media types with one body once gave modules that raised NameError on import)."""
    import pkgutil

    for package in generated.values():
        for found in pkgutil.walk_packages(package.__path__, prefix=package.__name__ + "."):
            importlib.import_module(found.name)
