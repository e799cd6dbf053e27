"""The workbench (工作台): what waits for this person, as counters and short lists.

The queries are the selectors' (tenants/congress, tenants/members, tenants/accounts, shared); this
module only says, for the page, what each is called and where it is done. A counter links to the
page where the work is done when that page exists; otherwise it is a count without a link (the
area's pages are still to come).
"""
from __future__ import annotations

from django.urls import reverse

from shared.selectors import circulars_to_acknowledge, provincial_deadlines
from tenants.accounts.roles import Role
from tenants.accounts.selectors import notifications_of
from tenants.congress.selectors import branch_congresses_running, proposal_todos, suggestion_todos
from tenants.members.selectors import application_todos
from web.links import page_link
from web.school import area_todos
from web.todo import Todo, counted




def _proposal_items(rows):
    return [{"text": f"{p.number + ' ' if p.number else ''}{p.title}", "url": reverse("school:proposal", args=[p.pk]),
             "when": p.due_date} for p in rows]


def _proposals_url(status: str = "") -> str:
    url = reverse("school:proposals")
    return f"{url}?status={status}" if status else url


PROPOSAL_LABELS = {
    # key: (label, list filter, urgent)
    "to_review": ("待初审的提案", "", False),
    "to_assign": ("待交办的提案", "accepted", False),
    "to_reply": ("待答复的提案", "assigned", False),
    "overdue": ("逾期督办", "", True),
    "to_rate": ("待评价的答复", "replied", False),
    "to_second": ("可附议的提案", "submitted", False),
    "drafts": ("未提交的草稿", "draft", False),
}


#: where each kind of provincial deadline is done (shared.selectors.Deadline.area)
DEADLINE_PAGES = {
    "荣誉推荐": "school:honours",
    "教学竞赛报名": "school:competitions",
    "建家申报": "school:staffhomes",
    "经费补助申报": "school:subsidies",
    "补助使用报告": "school:subsidies",
}


def linked_deadlines(school) -> list[dict]:
    return [{"area": d.area, "title": d.title, "due": d.due, "days_left": d.days_left,
             "url": reverse(DEADLINE_PAGES.get(d.area, "school:provincial"))} for d in provincial_deadlines(school)]


def school_workbench(user, school) -> dict:
    todos: list[Todo] = []
    for key, rows in proposal_todos(user).items():
        label, status, urgent = PROPOSAL_LABELS[key]
        url = _proposals_url(status) if key != "overdue" else reverse("school:proposals") + "?overdue=1"
        # a counter's items show the number, 案由 and 办理期限 only: not the co-proposers, departments or
        # the congress/proposer/forwarding joins (fewer columns to compile and read)
        count, first = counted(rows.select_related(None).prefetch_related(None).only("id", "number", "title", "due_date"))
        todos.append(Todo(key, label, count, url, urgent, _proposal_items(first)))
    if user.has_role(Role.BRANCH_CHAIR) and not user.has_role(Role.UNION_ADMIN):
        # The 二级教代会 this chair runs (the nav's 教代会 entry is the office's).
        count, running = counted(branch_congresses_running(user))
        if count:
            todos.append(Todo("branch_congresses", "二级教代会", count, reverse("school:congresses"),
                              items=[{"text": str(c), "url": reverse("school:congress", args=[c.pk]),
                                      "when": c.opens_on} for c in running]))
    suggestions = suggestion_todos(user)
    if "to_acknowledge" in suggestions:
        count, rows = counted(suggestions["to_acknowledge"])
        todos.append(Todo("suggestions_to_acknowledge", "待受理的意见建议", count,
                          reverse("school:suggestions"),
                          items=[{"text": s.title, "url": reverse("school:suggestion", args=[s.pk]), "when": s.created}
                                 for s in rows]))
    if "to_answer" in suggestions:
        count, rows = counted(suggestions["to_answer"])
        todos.append(Todo("suggestions_to_answer", "待答复的意见建议", count, reverse("school:suggestions"),
                          items=[{"text": s.title, "url": reverse("school:suggestion", args=[s.pk]), "when": s.created}
                                 for s in rows]))
    applications = application_todos(user)
    for key, label in (("to_confirm", "待确认的入会申请"), ("to_approve", "待批准的入会申请")):
        if key in applications:
            count, rows = counted(applications[key])
            status = "submitted" if key == "to_confirm" else "branch_confirmed"
            todos.append(Todo(f"applications_{key}", label, count,
                              f"{reverse('school:applications')}?status={status}",
                              items=[{"text": f"{a.name}（{a.branch.name}）",
                                      "url": reverse("school:application", args=[a.pk]), "when": a.submitted_at}
                                     for a in rows]))

    deadlines, circulars = [], []
    if user.has_role(Role.UNION_ADMIN):
        deadlines = linked_deadlines(school)
        circular_count, circulars = counted(circulars_to_acknowledge(school))
        todos.append(Todo("provincial_deadlines", "省级事项临近截止", len(deadlines), reverse("school:provincial"),
                          urgent=any(d["days_left"] < 7 for d in deadlines)))
        todos.append(Todo("circulars", "待签收的省级通知", circular_count, reverse("school:circulars")))

    todos.extend(area_todos(user))

    unread_count, unread = counted(notifications_of(user, unread=True))
    return {
        "todos": todos,
        "waiting": sum(t.count for t in todos if t.key not in ("to_second", "branch_congresses")),
        "deadlines": deadlines,
        "circulars": circulars,
        "notifications": [{"message": n.message, "url": page_link(n.link), "when": n.created}
                          for n in unread],
        "unread": unread_count,
    }
