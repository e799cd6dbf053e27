"""Activity pages: the list for everyone, sign-up in two taps with the code and QR, the organiser's
pages refused to others, another school's activity not found, check-in by typed code."""
from tenants.accounts.roles import Role
from tenants.activities.models import Registration
from tests.activities.conftest import new_member, open_activity, starting_now
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
    early = admin.post(f"/activities/{activity.pk}/check-in/", {"code": registration.code})
    assert early.status_code == 200 and "当天起才能签到" in text(early)
    with in_schema(guilin):
        starting_now(activity)
    assert admin.get(f"/activities/{activity.pk}/check-in/").status_code == 200
    wrong = admin.post(f"/activities/{activity.pk}/check-in/", {"code": "WRONG222"})
    assert "签到码无效" in text(wrong)
    assert admin.post(f"/activities/{activity.pk}/check-in/", {"code": registration.code}).status_code == 302
    export = admin.get(f"/activities/{activity.pk}/export/")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert admin.get("/activities/figures/").status_code == 200


def test_branch_chair_does_not_see_codes_of_activities_organised_by_others(guilin):
    """Only the activity's organiser and the member themself see a check-in code (the API agrees)."""
    chair = signed_in(guilin, [Role.BRANCH_CHAIR])
    with in_schema(guilin):
        from tenants.activities import services as s
        from tenants.members.models import Branch

        admin = make_user(guilin, [Role.UNION_ADMIN])
        branch = Branch.objects.create(name="看码测试分工会", chair=chair.user)
        member = new_member(branch, user=make_user(guilin, [Role.MEMBER]))
        activity = open_activity(admin, title="校工会组织的活动", capacity=5)
        registration = s.registration_create(by=member.user, activity=activity, member=member)
        own_activity = open_activity(chair.user, organiser_branch=branch, title="本分工会组织的活动", capacity=5)
        organised = s.registration_create(by=member.user, activity=own_activity, member=member)
    for url in (f"/members/{member.pk}/", f"/activities/{activity.pk}/", "/activities/", "/me/",
                f"/api/v1/activities/registrations/{registration.pk}/"):
        answer = chair.get(url)
        assert answer.status_code == 200, (url, answer.status_code)
        assert registration.code not in text(answer), url
    assert chair.get(f"/activities/registrations/{registration.pk}/qr.svg").status_code == 404
    # a team the chair entered in the office's activity: still not theirs to check in
    with in_schema(guilin):
        team_activity = open_activity(admin, title="校工会组织的气排球", capacity=12, sign_up="team", team_size=2)
        players = [new_member(branch, user=make_user(guilin, [Role.MEMBER])) for _ in range(2)]
    answer = chair.post(f"/activities/{team_activity.pk}/", {"form": "team", "name": "看码队",
                                                              "members": [p.pk for p in players]})
    assert answer.status_code == 302
    with in_schema(guilin):
        codes = list(Registration.objects.filter(activity=team_activity).values_list("code", flat=True))
    assert len(codes) == 2
    for url in (f"/activities/{team_activity.pk}/", f"/members/{players[0].pk}/", "/activities/", "/me/"):
        page = text(chair.get(url))
        assert not any(code in page for code in codes), url
    # the organiser of an activity may see its codes (QR)
    assert chair.get(f"/activities/registrations/{organised.pk}/qr.svg").status_code == 200


def test_enter_in_a_reason_box_changes_nothing_and_is_not_a_404(guilin):
    """The organiser's list: a reason box's form has a disabled first button (so Enter does nothing in a
    browser) and its own address answers with a hint instead of 404; only the buttons move people."""
    import re

    admin = signed_in(guilin, [Role.UNION_ADMIN])
    with in_schema(guilin):
        from tenants.activities import services as s
        from tenants.members.models import Branch

        member = new_member(Branch.objects.create(name="回车测试分工会"), user=make_user(guilin, [Role.MEMBER]))
        activity = open_activity(admin.user, title="回车测试活动", capacity=5)
        registration = s.registration_create(by=member.user, activity=activity, member=member)
    page = text(admin.get(f"/activities/{activity.pk}/"))
    form = re.search(r'<form method="post" action="([^"]+)" class="inline-form registration-move">(.*?)</form>',
                     page, re.S)
    assert form, "the reason form"
    first_button = re.search(r"<button[^>]*>", form.group(2)).group(0)
    assert "disabled" in first_button and 'type="submit"' in first_button
    answer = admin.post(form.group(1), {"reason": "回车"}, follow=True)
    assert answer.status_code == 200 and "请填写原因后点击" in text(answer)
    with in_schema(guilin):
        registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    # the button still works
    reject = re.search(r'formaction="([^"]+/reject/)"', form.group(2)).group(1)
    admin.post(reject, {"reason": "不符合条件"})
    with in_schema(guilin):
        registration.refresh_from_db()
    assert registration.status == Registration.Status.REJECTED


def test_the_organisers_list_offers_only_the_moves_the_service_allows(guilin):
    """确认 on a waitlisted row only when a place is free; a team's rows move the whole team; 签到 only
    from the activity's first day."""
    import re

    admin = signed_in(guilin, [Role.UNION_ADMIN])
    with in_schema(guilin):
        from tenants.activities import services as s
        from tenants.members.models import Branch

        branch = Branch.objects.create(name="按钮测试分工会")
        people = [new_member(branch, user=make_user(guilin, [Role.MEMBER])) for _ in range(4)]
        activity = open_activity(admin.user, title="按钮测试活动", capacity=1)
        first, waiting = (s.registration_create(by=p.user, activity=activity, member=p) for p in people[:2])
        teams = open_activity(admin.user, title="按钮测试组队", capacity=4, sign_up="team", team_size=2)
        s.team_register(by=admin.user, activity=teams, name="按钮队", members=people[2:], branch=branch)

    def row(page, registration):
        found = re.search(rf"/registrations/{registration.pk}/move/.*?</form>", page, re.S)
        return found.group(0) if found else ""

    page = text(admin.get(f"/activities/{activity.pk}/"))
    assert ">确认<" not in row(page, waiting) and ">不通过<" in row(page, waiting)
    assert ">转候补<" in row(page, first)
    assert f"/registrations/{first.pk}/check-in/" not in page   # the activity starts in 10 days
    with in_schema(guilin):
        s.registration_cancel(by=admin.user, registration=first, reason="让出名额")  # waiting moves up
        s.registration_move(by=admin.user, registration=Registration.objects.get(pk=waiting.pk), action="demote",
                            reason="核对")
        starting_now(activity)
    page = text(admin.get(f"/activities/{activity.pk}/"))
    assert ">确认<" in row(page, waiting) and f"/registrations/{waiting.pk}/check-in/" not in page
    team_page = text(admin.get(f"/activities/{teams.pk}/"))
    assert team_page.count(">整队转候补<") == 2 and team_page.count(">整队不通过<") == 2
    assert ">转候补<" not in team_page


def test_organiser_pages_answer_403_to_a_chair_who_sees_but_does_not_organise(guilin, huzhou):
    chair = signed_in(guilin, [Role.BRANCH_CHAIR])
    with in_schema(guilin):
        admin = make_user(guilin, [Role.UNION_ADMIN])
        activity = open_activity(admin, title="校工会的活动（403）", capacity=5)
        from tenants.activities import services as s
        from tests.activities.conftest import activity_fields

        draft = s.activity_create(by=admin, **activity_fields(title="草稿活动"))
    assert chair.get(f"/activities/{activity.pk}/").status_code == 200
    for url in (f"/activities/{activity.pk}/check-in/", f"/activities/{activity.pk}/export/"):
        answer = chair.get(url)
        assert answer.status_code == 403 and "主办分工会的主席" in text(answer), url
    assert chair.post(f"/activities/{activity.pk}/check-in/", {"code": "ABCDEFGH"}).status_code == 403
    # not visible at all (a draft, another school's): 404
    assert chair.get(f"/activities/{draft.pk}/check-in/").status_code == 404
    assert signed_in(huzhou, [Role.UNION_ADMIN]).get(f"/activities/{activity.pk}/export/").status_code == 404


def test_a_chair_of_two_branches_chooses_the_branch_of_a_team(guilin):
    chair = signed_in(guilin, [Role.BRANCH_CHAIR])
    with in_schema(guilin):
        from tenants.activities.models import Team
        from tenants.members.models import Branch

        admin = make_user(guilin, [Role.UNION_ADMIN])
        first = Branch.objects.create(name="两院甲分工会", chair=chair.user)
        second = Branch.objects.create(name="两院乙分工会", chair=chair.user)
        players = [new_member(second, user=make_user(guilin, [Role.MEMBER])) for _ in range(2)]
        activity = open_activity(admin, title="两院气排球", capacity=8, sign_up="team", team_size=2)
    page = text(chair.get(f"/activities/{activity.pk}/"))
    assert 'name="branch"' in page and "两院甲分工会" in page and "两院乙分工会" in page
    missing = chair.post(f"/activities/{activity.pk}/", {"form": "team", "name": "乙队",
                                                         "members": [p.pk for p in players]})
    assert missing.status_code == 200 and "请选择分工会" in text(missing)
    answer = chair.post(f"/activities/{activity.pk}/", {"form": "team", "name": "乙队", "branch": second.pk,
                                                        "members": [p.pk for p in players]})
    assert answer.status_code == 302
    with in_schema(guilin):
        assert Team.objects.get(activity=activity).branch == second
        assert first.pk != second.pk


def test_the_office_reaches_the_yearly_health_check_and_the_figures_from_the_activity_list(guilin):
    office = text(signed_in(guilin, [Role.UNION_ADMIN]).get("/activities/"))
    member = text(signed_in(guilin, [Role.MEMBER]).get("/activities/"))
    assert "/health-checks/" in office and "/activities/figures/" in office
    assert "/health-checks/" not in member and "/activities/figures/" not in member


def test_the_organiser_edits_an_activity_and_a_larger_capacity_promotes_the_next_in_line(guilin, huzhou):
    """The step the refusal “名额已满…可先增加名额” points to: 修改活动, errors beside the field with
    the input kept, a larger capacity confirms the first waitlisted person; others may not edit."""
    admin = signed_in(guilin, [Role.UNION_ADMIN])
    with in_schema(guilin):
        from tenants.activities import services as s
        from tenants.members.models import Branch

        branch = Branch.objects.create(name="修改测试分工会")
        first, second, third = (new_member(branch, user=make_user(guilin, [Role.MEMBER])) for _ in range(3))
        activity = open_activity(admin.user, title="修改测试联欢会", capacity=1)
        s.activity_update(by=admin.user, activity=activity, quotas={branch: 3})
        for m in (first, second, third):
            s.registration_create(by=m.user, activity=activity, member=m)
    detail = text(admin.get(f"/activities/{activity.pk}/"))
    assert f'/activities/{activity.pk}/edit/' in detail
    form = admin.get(f"/activities/{activity.pk}/edit/")
    assert form.status_code == 200 and "修改测试联欢会" in text(form) and "修改测试分工会 3" in text(form)
    fields = dict(form.context["form"].initial)
    posted = {k: ("" if v is None else v.strftime("%Y-%m-%dT%H:%M") if hasattr(v, "strftime") else v)
              for k, v in fields.items()}
    refused = admin.post(f"/activities/{activity.pk}/edit/", {**posted, "capacity": "0", "place": "新礼堂"})
    assert refused.status_code == 200 and "名额应在" in text(refused) and 'value="新礼堂"' in text(refused)
    done = admin.post(f"/activities/{activity.pk}/edit/", {**posted, "capacity": "2", "place": "新礼堂",
                                                           "quotas": "修改测试分工会 4"})
    assert done.status_code == 302 and done["Location"] == f"/activities/{activity.pk}/"
    with in_schema(guilin):
        activity.refresh_from_db()
        assert activity.capacity == 2 and activity.place == "新礼堂" and activity.quotas.get().places == 4
        status = {r.member_id: r.status for r in Registration.objects.filter(activity=activity)}
    assert status == {first.pk: "confirmed", second.pk: "confirmed", third.pk: "waitlisted"}
    member = signed_in(guilin, [Role.MEMBER])
    assert member.get(f"/activities/{activity.pk}/edit/").status_code == 403
    assert f'/activities/{activity.pk}/edit/' not in text(member.get(f"/activities/{activity.pk}/"))
    assert signed_in(huzhou, [Role.UNION_ADMIN]).get(f"/activities/{activity.pk}/edit/").status_code == 404


def test_sign_up_is_one_tap_without_a_confirm_dialog_and_reads_waitlist_when_full(guilin):
    """The issue's two taps: open the activity (or the card on 我的) → 报名; no confirm dialog. When the
    places are taken (the service's counts) the button reads 候补报名, on the page and on 我的."""
    client = signed_in(guilin, [Role.MEMBER])
    with in_schema(guilin):
        from tenants.activities import services as s
        from tenants.members.models import Branch

        branch = Branch.objects.create(name="两步报名分工会")
        new_member(branch, user=client.user)
        other = new_member(branch, user=make_user(guilin, [Role.MEMBER]))
        admin = make_user(guilin, [Role.UNION_ADMIN])
        activity = open_activity(admin, title="两步报名拔河赛", capacity=1)

    def sign_up_form(html):
        start = html.index('data-testid="sign-up"')
        return html[start:html.index("</section>", start)]

    form = sign_up_form(text(client.get(f"/activities/{activity.pk}/")))
    assert "data-confirm" not in form and ">报名</button>" in form
    portal = text(client.get("/me/"))
    card = portal[portal.index('data-testid="activities-portal"'):]
    assert "两步报名拔河赛" in card and "data-confirm" not in card.split("</section>")[0]
    with in_schema(guilin):
        s.registration_create(by=other.user, activity=activity, member=other)
    form = sign_up_form(text(client.get(f"/activities/{activity.pk}/")))
    assert ">候补报名</button>" in form and 'data-testid="full"' in form
    assert ">候补报名</button>" in text(client.get("/me/"))
    assert client.post(f"/activities/{activity.pk}/", {}).status_code == 302
    with in_schema(guilin):
        assert Registration.objects.get(activity=activity, member__user=client.user).status == "waitlisted"
