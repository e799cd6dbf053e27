"""The work plan pages: the office imports a notice (pasted or uploaded) through the editable
preview, writes a plan by hand and assigns owners; an owner moves the task and writes a note with
a file; everyone of the school reads; another school gets 404."""
import io

import docx
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tenants.workplan.models import Plan, Task, TaskNote
from tests.conftest import ADMIN_PASSWORD, in_schema, signed_in, text
from tests.workplan.conftest import FIXTURES, YEAR, notice, wp  # noqa: F401  (the fixture)
from tenants.accounts.roles import Role


def page_client(school, user):
    client = Client(HTTP_HOST=f"{school.slug}.localhost")
    assert client.post("/login/", {"username": user.username, "password": ADMIN_PASSWORD}).status_code == 302
    return client


def _preview_post(page):
    """The preview form as the browser would send it back (every row and header field)."""
    import re

    data = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page):
        data[name] = value
    for name, value in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>\n?(.*?)</textarea>', page, re.S):
        data[name] = value.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&#x27;", "'") \
            .replace("&amp;", "&")
    return data


def test_the_office_imports_a_pasted_notice_and_an_owner_works_on_a_task(wp, huzhou):
    school = wp["school"]
    admin = page_client(school, wp["admin"])
    empty = text(admin.get("/workplan/"))
    assert "还没有年度工作计划" in empty and "导入工作要点" in empty
    refused = admin.post("/workplan/import/", {"action": "preview", "text": "这不是通知。"})
    assert refused.status_code == 200 and "预览识别结果" in text(refused)
    assert 'class="field-error"' in text(refused)
    preview = admin.post("/workplan/import/", {"action": "preview", "text": notice("huzhou-university-2023.txt")})
    page = text(preview)
    assert "第二步：核对识别结果" in page and "34 项工作" in page and "保存为年度计划" in page
    data = _preview_post(page)
    data.update({"action": "save", "items-0-title": "改写后的第一条要点"})
    saved = admin.post("/workplan/import/", data)
    assert saved.status_code == 302, text(saved)[:3000]
    with in_schema(school):
        plan = Plan.objects.get()
        assert plan.year == YEAR and plan.tasks.filter(origin="calendar").count() == 34
        first = plan.tasks.get(order=1)
        assert first.title == "改写后的第一条要点"
    data.pop("submission")  # a fresh form (the token of the saved one is spent)
    again = admin.post("/workplan/import/", data)
    assert again.status_code == 200 and "已有工作计划" in text(again)
    page = text(again)
    # beside 计划年度 and in the summary of what needs changing; nothing written
    assert f"{YEAR}年已有工作计划，每年只能有一份" in page.split('id="id_year_error"')[1][:300]
    summary = page.split('data-testid="faulty-rows"')[1].split("</div>")[0]
    assert 'href="#id_year"' in summary and "计划年度" in summary
    with in_schema(school):
        assert Plan.objects.count() == 1
    # previewed again, the next free year is prefilled and the hint says why
    second = text(admin.post("/workplan/import/", {"action": "preview", "text": notice("huzhou-university-2023.txt")}))
    assert f'name="year" value="{YEAR + 1}"' in second
    assert f"{YEAR}年已有工作计划（每年只能有一份），计划年度已填为 {YEAR + 1} 年" in second
    listing = text(admin.get("/workplan/"))
    assert "改写后的第一条要点" in listing and "行事历" in listing and "未开始" in listing

    task_url = f"/workplan/tasks/{first.pk}/"
    bad_owner = admin.post(task_url, {"form": "edit", "title": first.title, "owner": "branch:999999"})
    assert bad_owner.status_code == 200 and "本校没有这个负责方" in text(bad_owner)
    bad_date = admin.post(task_url, {"form": "edit", "title": first.title, "due_on": f"{YEAR + 1}-02-01"})
    assert "计划年度" in text(bad_date)
    assert admin.post(task_url, {"form": "edit", "title": first.title, "owner": f"branch:{wp['branch'].pk}",
                                 "month": "3"}).status_code == 302

    chair = page_client(school, wp["chair"])
    mine = text(chair.get("/workplan/?mine=1"))
    assert "我负责的任务（1）" in mine and "改写后的第一条要点" in mine
    detail = text(chair.get(task_url))
    assert "开始推进" in detail and "填写进展" in detail and "取消" not in detail.split("更新状态")[1].split("</section>")[0]
    note = chair.post(task_url, {"form": "note", "text": "已召开分工会会议部署", "progress": "40",
                                 "files": [SimpleUploadedFile("会议纪要.pdf", b"%PDF-1.4 minutes")]})
    assert note.status_code == 302
    page = text(chair.get(task_url))
    assert "已召开分工会会议部署" in page and "会议纪要.pdf" in page and "推进中" in page
    with in_schema(school):
        attachment = TaskNote.objects.get().attachments.get()
    download = chair.get(f"/workplan/tasks/{first.pk}/attachments/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 minutes"
    assert chair.post(task_url, {"form": "complete"}).status_code == 302
    with in_schema(school):
        first.refresh_from_db()
        assert first.status == Task.Status.DONE and first.progress == 100

    plain = page_client(school, wp["other"])
    assert "改写后的第一条要点" in text(plain.get("/workplan/"))
    assert plain.get("/workplan/import/").status_code == 403
    assert plain.get(f"/workplan/{plan.pk}/tasks/new/").status_code == 403
    assert 'id="note-title"' not in text(plain.get(task_url))
    plain.post(task_url, {"form": "note", "text": "我来写"})
    with in_schema(school):
        assert TaskNote.objects.count() == 1

    outsider = signed_in(huzhou, [Role.UNION_ADMIN])
    assert outsider.get(task_url).status_code == 404
    assert outsider.get(f"/workplan/tasks/{first.pk}/attachments/{attachment.pk}/").status_code == 404


def test_upload_a_docx_and_a_pdf_and_write_a_plan_by_hand(wp):
    admin = page_client(wp["school"], wp["admin"])
    with open(FIXTURES / "plan.pdf", "rb") as handle:
        pdf = admin.post("/workplan/import/", {"action": "preview", "file": handle})
    assert "识别出 2 个章节、4 条要点" in text(pdf)
    document = docx.Document()
    document.add_paragraph("一段没有结构的文字。")
    buffer = io.BytesIO()
    document.save(buffer)
    bad = admin.post("/workplan/import/", {"action": "preview",
                                           "file": SimpleUploadedFile("x.docx", buffer.getvalue())})
    assert "第一步" in text(bad) and 'class="field-error" id="id_file_error"' in text(bad)
    script = admin.post("/workplan/import/", {"action": "preview",
                                              "file": SimpleUploadedFile("plan.py", b"print('x')\n")})
    error = text(script).split('id="id_file_error"')[1][:200]
    assert "只能上传 Word（.docx）或带文字层的 PDF 文件。" in error and "压缩包" not in text(script)

    made = admin.post("/workplan/new/", {"year": YEAR, "title": f"{YEAR}年工会工作要点"})
    assert made.status_code == 302
    with in_schema(wp["school"]):
        plan = Plan.objects.get()
    url = f"/workplan/{plan.pk}/tasks/new/"
    refused = admin.post(url, {"title": "教职工体检提标", "due_on": f"{YEAR - 1}-12-01"})
    assert refused.status_code == 200 and "计划年度" in text(refused)
    added = admin.post(url, {"title": "教职工体检提标", "owner": f"member:{wp['member'].pk}", "month": "5",
                             "is_pledge": "on"})
    assert added.status_code == 302
    with in_schema(wp["school"]):
        task = Task.objects.get()
        assert task.owner_member == wp["member"] and task.is_pledge
    person = page_client(wp["school"], wp["person"])
    assert "教职工体检提标" in text(person.get("/workplan/?mine=1&status=not_started"))
    page = text(person.get(f"/workplan/tasks/{task.pk}/"))
    assert "开始推进" in page and "张老师" in page


def test_the_plan_page_reads_a_real_plan_in_a_few_queries(wp, django_assert_max_num_queries):
    from tenants.workplan import services as s

    with in_schema(wp["school"]):
        preview = s.plan_preview(text=notice("huzhou-university-2023.txt"))
        plan = s.plan_import(by=wp["admin"], year=YEAR, title=preview["title"], points=preview["points"],
                             calendar=preview["calendar"])
        for task in plan.tasks.order_by("order")[:3]:
            s.task_update(by=wp["admin"], task=task, owner_branch=wp["branch"])
    chair = page_client(wp["school"], wp["chair"])
    with django_assert_max_num_queries(30):
        page = text(chair.get("/workplan/"))
    assert page.count('class="task-item') == 49 + 3 and "我负责的任务（3）" in page


def test_the_owner_filter_lists_only_who_owns_a_task_of_the_plan(wp):
    import datetime
    import re

    from tenants.members.models import Branch, Department, Member
    from tenants.workplan import selectors as q
    from tenants.workplan import services as s

    with in_schema(wp["school"]):
        plan = s.plan_create(by=wp["admin"], year=YEAR, title=f"{YEAR}年工会工作要点")
        idle_branch = Branch.objects.create(name="无任务分工会")
        Department.objects.create(name="无任务部门")
        for n in range(5):  # members who own nothing are not offered
            Member.objects.create(name=f"闲置{n}", gender="male", employee_number=f"X{n:04d}", branch=idle_branch,
                                  employment_type="staff", join_date=datetime.date(2015, 9, 1))
        s.task_create(by=wp["admin"], plan=plan, title="部门任务", owner_department=wp["department"])
        s.task_create(by=wp["admin"], plan=plan, title="分工会任务", owner_branch=wp["branch"])
        s.task_create(by=wp["admin"], plan=plan, title="个人任务", owner_member=wp["member"])
        s.task_create(by=wp["admin"], plan=plan, title="个人任务二", owner_member=wp["member"])
        s.task_create(by=wp["admin"], plan=plan, title="无人负责")
        assert q.owner_filter_groups(plan) == [
            ("承办部门", [(f"department:{wp['department'].pk}", "人事处")]),
            ("分工会", [(f"branch:{wp['branch'].pk}", "文学院")]),
            ("个人", [(f"member:{wp['member'].pk}", "张老师（W0001）")])]
        assert q.owner_filter_groups(None) == []
    page = text(page_client(wp["school"], wp["other"]).get("/workplan/"))
    select = page.split('<select name="owner">')[1].split("</select>")[0]
    values = re.findall(r'<option value="([^"]*)"', select)
    assert values == ["", "none", f"department:{wp['department'].pk}", f"branch:{wp['branch'].pk}",
                      f"member:{wp['member'].pk}"]
    assert "闲置" not in select and "无任务" not in select
