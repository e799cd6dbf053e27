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
from tenants.congress.models import Proposal
from tenants.congress.selectors import branch_congresses_running, proposal_todos, suggestion_todos, todo_facts
from tenants.members.selectors import application_todos
from web.links import page_link
from web.school import area_counters, area_todos
from web.todo import Todo, counted_many




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
    """Every counter of the page — the proposals', suggestions', applications', circulars', the
    areas' and the unread notifications — is counted in one statement (web.todo.counted_many), and
    only the counters that have any read their first rows: most counters are zero most days."""
    # what decides which proposal and suggestion counters this user has, asked in one statement
    facts = {key: bool(total) for key, (total, _) in counted_many(todo_facts(user), length=0).items()}
    # a counter's items show the number, 案由 and 办理期限 only: not the co-proposers, departments, the
    # congress/proposer/forwarding joins or the 附议 count (fewer columns to compile and read)
    proposals = proposal_todos(user, base=Proposal.objects.only("id", "number", "title", "due_date")
                               .order_by("-created", "-id"), **facts)
    suggestions = suggestion_todos(user, handles_departments=facts["handles_departments"])
    applications = application_todos(user)
    counters = {("proposals", key): rows for key, rows in proposals.items()}
    chair_only = user.has_role(Role.BRANCH_CHAIR) and not user.has_role(Role.UNION_ADMIN)
    if chair_only:
        # The 二级教代会 this chair runs (the nav's 教代会 entry is the office's).
        counters["branch_congresses"] = branch_congresses_running(user)
    # the items show a title or message, a link and a date: only those columns are read
    counters.update({("suggestions", key): rows.only("id", "title", "created") for key, rows in suggestions.items()})
    counters.update({("applications", key): rows.only("id", "name", "submitted_at", "branch__name")
                     for key, rows in applications.items()})
    union_admin = user.has_role(Role.UNION_ADMIN)
    if union_admin:
        counters["circulars"] = circulars_to_acknowledge(school).only("id", "circular__title",
                                                                       "circular__published_at")
    counters["notifications"] = notifications_of(user, unread=True).only("id", "message", "link", "created")
    counters.update({("areas", key): rows for key, rows in area_counters(user).items()})
    found = counted_many(counters)

    todos: list[Todo] = []
    for key in proposals:
        label, status, urgent = PROPOSAL_LABELS[key]
        url = _proposals_url(status) if key != "overdue" else reverse("school:proposals") + "?overdue=1"
        count, first = found[("proposals", key)]
        todos.append(Todo(key, label, count, url, urgent, _proposal_items(first)))
    if chair_only:
        count, running = found["branch_congresses"]
        if count:
            todos.append(Todo("branch_congresses", "二级教代会", count, reverse("school:congresses"),
                              items=[{"text": str(c), "url": reverse("school:congress", args=[c.pk]),
                                      "when": c.opens_on} for c in running]))
    if "to_acknowledge" in suggestions:
        count, rows = found[("suggestions", "to_acknowledge")]
        todos.append(Todo("suggestions_to_acknowledge", "待受理的意见建议", count,
                          reverse("school:suggestions"),
                          items=[{"text": s.title, "url": reverse("school:suggestion", args=[s.pk]), "when": s.created}
                                 for s in rows]))
    if "to_answer" in suggestions:
        count, rows = found[("suggestions", "to_answer")]
        todos.append(Todo("suggestions_to_answer", "待答复的意见建议", count, reverse("school:suggestions"),
                          items=[{"text": s.title, "url": reverse("school:suggestion", args=[s.pk]), "when": s.created}
                                 for s in rows]))
    for key, label in (("to_confirm", "待确认的入会申请"), ("to_approve", "待批准的入会申请")):
        if key in applications:
            count, rows = found[("applications", key)]
            status = "submitted" if key == "to_confirm" else "branch_confirmed"
            todos.append(Todo(f"applications_{key}", label, count,
                              f"{reverse('school:applications')}?status={status}",
                              items=[{"text": f"{a.name}（{a.branch.name}）",
                                      "url": reverse("school:application", args=[a.pk]), "when": a.submitted_at}
                                     for a in rows]))

    deadlines, circulars = [], []
    if union_admin:
        deadlines = linked_deadlines(school)
        circular_count, circulars = found["circulars"]
        todos.append(Todo("provincial_deadlines", "省级事项临近截止", len(deadlines), reverse("school:provincial"),
                          urgent=any(d["days_left"] < 7 for d in deadlines)))
        todos.append(Todo("circulars", "待签收的省级通知", circular_count, reverse("school:circulars")))

    todos.extend(area_todos(user, {key[1]: value for key, value in found.items()
                                   if isinstance(key, tuple) and key[0] == "areas"}))

    unread_count, unread = found["notifications"]
    return {
        "todos": todos,
        "waiting": sum(t.count for t in todos if t.key not in ("to_second", "branch_congresses")),
        "deadlines": deadlines,
        "circulars": circulars,
        "notifications": [{"message": n.message, "url": page_link(n.link), "when": n.created}
                          for n in unread],
        "unread": unread_count,
    }
