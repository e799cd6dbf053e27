"""Activity pages: the list for everyone, sign-up in two taps with the code and QR, the organiser's
pages refused to others, another school's activity not found, check-in by typed code."""
from tenants.accounts.roles import Role
from tenants.activities.models import Registration
from tests.activities.conftest import new_member, open_activity
from tests.conftest import in_schema, make_user, signed_in, text


def test_member_signs_up_sees_code_and_qr_and_cannot_open_organiser_pages(guilin, huzhou):
    client = signed_in(guilin, [Role.MEMBER])
    with in_schema(guilin):
        admin = make_user(guilin, [Role.UNION_ADMIN])
        from tenants.members.models import Branch

        branch = Branch.objects.create(name="页面测试分工会")
        new_member(branch, user=client.user)
        activity = open_activity(admin, title="页面测试运动会", capacity=1)
    assert "页面测试运动会" in text(client.get("/activities/"))
    page = client.get(f"/activities/{activity.pk}/")
    assert page.status_code == 200 and 'data-testid="sign-up"' in text(page)
    assert client.post(f"/activities/{activity.pk}/", {}).status_code == 302
    with in_schema(guilin):
        registration = Registration.objects.get(activity=activity)
    page = text(client.get(f"/activities/{activity.pk}/"))
    assert registration.code in page and "报名成功" in page
    qr = client.get(f"/activities/registrations/{registration.pk}/qr.svg")
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"
    assert text(client.get("/me/")).count(registration.code) == 1
    for url in ("/activities/new/", f"/activities/{activity.pk}/check-in/", f"/activities/{activity.pk}/export/",
                "/activities/figures/"):
        assert client.get(url).status_code == 403, url
    other = signed_in(huzhou, [Role.UNION_ADMIN])
    assert other.get(f"/activities/{activity.pk}/").status_code == 404


def test_organiser_creates_checks_in_by_code_and_exports(guilin):
    admin = signed_in(guilin, [Role.UNION_ADMIN])
    answer = admin.post("/activities/new/", {
        "kind": "women", "title": "三八健步走", "place": "校园", "starts_at": "2030-03-08T09:00",
        "ends_at": "2030-03-08T11:00", "registration_opens_at": "2026-01-01T08:00",
        "registration_closes_at": "2030-03-07T18:00", "cancel_deadline": "2030-03-07T12:00", "capacity": "0",
        "sign_up": "individual", "retirees": "included", "gender": "female"})
    assert answer.status_code == 200 and "名额应在" in text(answer)
    with in_schema(guilin):
        member = new_member(__import__("tenants.members.models", fromlist=["Branch"]).Branch.objects.create(
            name="签到测试分工会"), user=make_user(guilin, [Role.MEMBER]))
        activity = open_activity(admin.user, capacity=5)
        from tenants.activities import services as s

        registration = s.registration_create(by=member.user, activity=activity, member=member)
    assert admin.get(f"/activities/{activity.pk}/check-in/").status_code == 200
    wrong = admin.post(f"/activities/{activity.pk}/check-in/", {"code": "WRONG222"})
    assert "签到码无效" in text(wrong)
    assert admin.post(f"/activities/{activity.pk}/check-in/", {"code": registration.code}).status_code == 302
    export = admin.get(f"/activities/{activity.pk}/export/")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert admin.get("/activities/figures/").status_code == 200
