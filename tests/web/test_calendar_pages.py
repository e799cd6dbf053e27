"""The 行事历, year-end report and 十件实事 pages: who opens which, what a month shows (status labelled,
overdue marked, the province's points linked to the school's own circular page for the office), the
filters, the .xlsx export read back, the pledges on 我的 and the office's overdue todo."""
import datetime
import io

from django.test import Client
from django.utils import timezone

from tenants import xlsx
from tenants.accounts.roles import Role
from tenants.workplan.models import TaskAttachment
from tests.conftest import ADMIN_PASSWORD, in_schema, signed_in, text
from tests.workplan.calendar_setup import make_world, send_circular

YEAR = 2025


def page_client(school, user):
    client = Client(HTTP_HOST=f"{school.slug}.localhost")
    assert client.post("/login/", {"username": user.username, "password": ADMIN_PASSWORD}).status_code == 302
    return client


def test_who_opens_which_page(guilin, huzhou):
    w = make_world(guilin, YEAR)
    plain, admin, chair = (page_client(guilin, w[k]) for k in ("plain", "admin", "chair"))
    for client in (plain, admin, chair):
        assert client.get(f"/calendar/?year={YEAR}").status_code == 200
        assert client.get(f"/pledges/?year={YEAR}").status_code == 200
    assert plain.get("/calendar/report/").status_code == 403
    assert plain.get(f"/calendar/report/?year={YEAR}&export=xlsx").status_code == 403
    assert admin.get(f"/calendar/report/?year={YEAR}").status_code == 200
    own = chair.get(f"/calendar/report/?year={YEAR}")
    assert own.status_code == 200 and "本人负责的任务" in text(own)
    assert "开展三八节系列活动" not in text(own) and "组织教职工趣味运动会" in text(own)
    anonymous = Client(HTTP_HOST="guilin.localhost")
    assert anonymous.get("/calendar/").status_code == 302
    # another school's people find nothing of guilin's
    outsider = signed_in(huzhou, [Role.UNION_ADMIN])
    assert "开展三八节系列活动" not in text(outsider.get(f"/calendar/?year={YEAR}"))
    assert "这一年没有工作计划" in text(outsider.get(f"/calendar/report/?year={YEAR}"))
    assert outsider.get(f"/calendar/report/?year={YEAR}&export=xlsx").status_code == 404


def test_the_month_view_shows_owner_labelled_status_overdue_and_the_provinces_points(guilin, huzhou):
    w = make_world(guilin, YEAR)
    circular, point, _ = send_circular([guilin], year=YEAR, title="全区工作要点")
    send_circular([huzhou], year=YEAR, title="只发湖州的通知")
    admin, plain = page_client(guilin, w["admin"]), page_client(guilin, w["plain"])
    page = text(admin.get(f"/calendar/?year={YEAR}"))
    assert 'id="month-3"' in page and 'id="month-all"' in page
    assert "开展三八节系列活动" in page and "行事历宣传部" in page
    assert '<span class="badge tone-muted">未开始</span>' in page
    assert '<span class="badge tone-warn">推进中</span>' in page and "已逾期" in page
    assert "十件实事" in page and "省教育工会" in page and "全区工作要点：开展主题教育" in page
    assert "只发湖州的通知" not in page
    link = f"/provincial/circulars/{circular.pk}/#item-{point.pk}"
    assert f'href="{link}"' in page
    assert admin.get(f"/provincial/circulars/{circular.pk}/").status_code == 200
    # the same circular page is not there for another school
    assert signed_in(huzhou, [Role.UNION_ADMIN]).get(f"/provincial/circulars/{circular.pk}/").status_code == 404
    member_page = text(plain.get(f"/calendar/?year={YEAR}"))
    assert "全区工作要点：开展主题教育" in member_page and link not in member_page
    assert "年终完成情况" in page and "年终完成情况" not in member_page
    # filters: the chair's own, the province's only, overdue only
    chair = page_client(guilin, w["chair"])
    mine = text(chair.get(f"/calendar/?year={YEAR}&owner=me"))
    assert "组织教职工趣味运动会" in mine and "开展三八节系列活动" not in mine and "全区工作要点" not in mine
    province = text(plain.get(f"/calendar/?year={YEAR}&source=province"))
    assert "全区工作要点：开展主题教育" in province and "开展三八节系列活动" not in province
    late = text(plain.get(f"/calendar/?year={YEAR}&status=overdue&source=school"))
    assert "开展三八节系列活动" in late and "新建母婴室" not in late and "改造教工之家" not in late
    assert "没有符合条件的任务" in text(plain.get(f"/calendar/?year={YEAR}&status=cancelled&owner=me"))


def test_the_current_month_is_marked_and_opened(guilin):
    today = timezone.localdate()
    w = make_world(guilin, today.year)
    page = text(page_client(guilin, w["plain"]).get("/calendar/"))
    assert f'class="card calendar-month is-current" id="month-{today.month}"' in page
    assert "本月" in page


def test_the_report_page_and_its_xlsx(guilin):
    w = make_world(guilin, YEAR)
    admin = page_client(guilin, w["admin"])
    page = text(admin.get(f"/calendar/report/?year={YEAR}"))
    assert "一、加强思想政治引领" in page and "25.0%" in page and "场地已落实" in page
    assert "导出（.xlsx）" in page
    export = admin.get(f"/calendar/report/?year={YEAR}&export=xlsx")
    assert export.status_code == 200
    book = xlsx.open_for_reading(io.BytesIO(export.content))
    assert book.sheetnames == ["汇总", "任务明细", "十件实事"]
    assert [list(r) for r in book["汇总"].iter_rows(values_only=True)][3][:3] == ["合计", "全部任务", 5]


def test_the_pledges_page_for_members_and_the_office(guilin):
    w = make_world(guilin, YEAR)
    with in_schema(guilin):
        note = w["pledge_open"].notes.get()
        TaskAttachment.objects.create(note=note, file="workplan/x/plan.pdf", name="方案.pdf", size=10)
    plain = text(page_client(guilin, w["plain"]).get(f"/pledges/?year={YEAR}"))
    assert "改造教工之家" in plain and "新建母婴室" in plain and "选址完成，等待施工" in plain
    assert '<progress max="100" value="20"' in plain and '<progress max="100" value="100"' in plain
    assert "style=" not in plain and "附件" not in plain
    office = text(page_client(guilin, w["admin"]).get(f"/pledges/?year={YEAR}"))
    assert "附件 1 个" in office
    assert "这一年还没有十件实事" in text(page_client(guilin, w["plain"]).get("/pledges/?year=2031"))


def test_pledges_on_my_portal_and_the_offices_overdue_todo(guilin):
    today = timezone.localdate()
    w = make_world(guilin, today.year)
    portal = text(page_client(guilin, w["person_user"]).get("/me/"))
    assert f"{today.year}年十件实事" in portal and "共 2 件，已完成 1 件" in portal
    assert "/pledges/?year=" in portal
    with in_schema(guilin):
        from tenants.workplan.models import Task

        Task.objects.filter(pk=w["march"].pk).update(month=None, due_on=today.replace(day=1) - datetime.timedelta(days=1))
    workbench = text(page_client(guilin, w["admin"]).get("/"))
    assert "全校逾期未完成的计划任务" in workbench and "开展三八节系列活动" in workbench
    assert "全校逾期未完成的计划任务" not in text(page_client(guilin, w["chair"]).get("/"))
