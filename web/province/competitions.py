"""Provincial site: the youth-teacher teaching competition (高校青年教师教学竞赛).

The provincial admin (province_admin) creates a competition with its groups and quotas, confirms or
rejects the schools' entries (each entrant's age on the cut-off date shown against the limit),
keeps the judges' home schools, forms each group's panel (a judge is never assigned a contestant
of their own school — the services refuse it; the panel page shows it per judge), starts judging,
previews the ranking and publishes the results.

A judge (judge) sees only the competitions pages of this site, and on them only the entries
assigned to them: a scoring page per competition with a progress bar, each contestant's three
scores saved on their own (HTMX swaps just that contestant's card). A contestant of the judge's own
school answers 403 with the reason (the judge knows their colleagues compete, and the API answers
the same); any other entry not assigned to them answers 404, as if it did not exist.

Every write is the service the API calls (shared/competitions/services.py).
"""
from __future__ import annotations

from django.db.models import Case, Count, Min, Q, When
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode

from shared.competitions import services as s
from shared.competitions.models import Competition, Entry, Judge, Score
from shared.competitions.selectors import (
    age_check,
    assignments_of,
    competitions_with_counts,
    entries_of_competition,
    entries_to_confirm,
    entry_for_judge,
    judge_accounts,
    judge_of,
    judges_per_entry,
    judging_progress,
    panel_of,
    ready_to_publish,
    registered_judges,
)
from tenants.accounts.models import User
from tenants.accounts.roles import Role
from tenants.selectors import schools
from web.base import ProvincePage, posted_id
from web.province.competitions_forms import (
    AssignmentForm,
    CompetitionForm,
    GroupForm,
    HomeSchoolForm,
    JudgeAccountForm,
    PanelForm,
    QuotasForm,
    RejectForm,
    ScoreForm,
)
from web.tables import Column, Filter, Table
from web.todo import LIST_LENGTH, Todo

ADMIN = frozenset({Role.PROVINCE_ADMIN})
JUDGE = frozenset({Role.JUDGE})
C = Competition.Status

#: the tabs of one competition's admin pages: (url name, label)
TABS = [("province:competition", "概况"), ("province:competition-groups", "组别与名额"),
        ("province:competition-entries", "资格审查"), ("province:competition-panel", "评审组"),
        ("province:competition-results", "成绩")]


def _competition(pk) -> Competition:
    competition = Competition.objects.filter(pk=pk).first()
    if competition is None:
        raise Http404("没有这项竞赛")
    return competition


class CompetitionPage(ProvincePage):
    """A tab of one competition's admin pages."""

    roles = ADMIN
    tab = ""

    def render_competition(self, competition, **context):
        tabs = [{"url": reverse(name, args=[competition.pk]), "label": label, "current": name == self.tab}
                for name, label in TABS]
        return self.render_page(competition=competition, tabs=tabs,
                                page_title=f"{competition.title} · {self.title}" if self.title else competition.title,
                                **context)


# ---- competitions ------------------------------------------------------------------------------

class CompetitionList(ProvincePage):
    template_name = "web/province/competitions/list.html"
    title = "教学竞赛"
    roles = ADMIN | JUDGE

    def get(self, request):
        if not request.user.has_role(Role.PROVINCE_ADMIN):
            return redirect("province:judging")
        table = Table(request, id="competitions", columns=[
            Column("title", "名称", link=lambda c: reverse("province:competition", args=[c.pk]), primary=True),
            Column("year", "年度", sort="year"),
            Column("status", "状态", badge=True, sort="status"),
            Column("registration_closes_at", "报名截止", format="datetime", sort="registration_closes_at"),
            Column("registered_count", "待审查"),
            Column("confirmed_count", "已确认"),
            Column("progress", "评分进度"),
        ], filters=[Filter("status", "状态", choices=C.choices)], per_page=20,
            empty_text="还没有教学竞赛。", empty_hint="发布竞赛后，各校可在报名时间内报名选手。")
        rows = competitions_with_counts()
        if table.values["status"]:
            rows = rows.filter(status=table.values["status"])
        page = table.paginate(rows)
        for c in page.object_list:
            c.progress = f"{c.score_count} / {c.assignment_count}" if c.assignment_count else "—"
        return self.render_page(table=table, is_judge=request.user.has_role(Role.JUDGE))


class CompetitionNew(ProvincePage):
    template_name = "web/province/competitions/form.html"
    title = "发布教学竞赛"
    roles = ADMIN

    def get(self, request):
        return self.render_page(form=CompetitionForm(initial=CompetitionForm.initial_values()))

    def post(self, request):
        form = CompetitionForm(request.POST)
        if form.is_valid():
            created = self.call_service(lambda: s.competition_create(by=request.user, **form.fields_for_service()),
                                        form=form, success="竞赛已发布，各校可在报名时间内报名。")
            if created:
                return redirect("province:competition", pk=created.value.pk)
        return self.render_page(form=form)


def _steps(competition) -> tuple[list[dict], Competition]:
    """What has been done and what is next, for the overview page."""
    counts = competitions_with_counts().get(pk=competition.pk)
    groups = competition.groups.count()
    return [
        {"label": "组别与名额", "done": groups > 0, "text": f"{groups} 个组别",
         "url": reverse("province:competition-groups", args=[competition.pk])},
        {"label": "资格审查", "done": counts.registered_count == 0 and counts.confirmed_count > 0,
         "text": f"待审查 {counts.registered_count} 名，已确认 {counts.confirmed_count} 名",
         "url": reverse("province:competition-entries", args=[competition.pk])},
        {"label": "评审组", "done": counts.assignment_count > 0, "text": f"{counts.assignment_count} 个评分任务",
         "url": reverse("province:competition-panel", args=[competition.pk])},
        {"label": "评分", "done": bool(counts.assignment_count) and counts.score_count >= counts.assignment_count,
         "text": f"已评 {counts.score_count} / {counts.assignment_count}",
         "url": reverse("province:competition-panel", args=[competition.pk])},
        {"label": "公布成绩", "done": competition.status == C.PUBLISHED,
         "text": "已公布" if competition.status == C.PUBLISHED else "未公布",
         "url": reverse("province:competition-results", args=[competition.pk])},
    ], counts


class CompetitionDetail(CompetitionPage):
    template_name = "web/province/competitions/detail.html"
    tab = "province:competition"

    def get(self, request, pk):
        competition = _competition(pk)
        steps, counts = _steps(competition)
        return self.render_competition(competition, steps=steps, counts=counts)


class CompetitionMove(ProvincePage):
    """进入评审 / 公布结果: one state step each, behind a confirm dialog."""

    http_method_names = ["post"]
    roles = ADMIN
    action = ""
    success = ""
    next_page = "province:competition"

    def post(self, request, pk):
        competition = _competition(pk)
        self.call_service(lambda: s.competition_move(competition=competition, action=self.action, by=request.user),
                          success=self.success)
        return redirect(self.next_page, pk=competition.pk)


# ---- groups and quotas -------------------------------------------------------------------------

class Groups(CompetitionPage):
    template_name = "web/province/competitions/groups.html"
    title = "组别与名额"
    tab = "province:competition-groups"

    def page(self, competition, quotas=None, group_form=None):
        used = s.school_use_by_group(competition)
        groups = competition.groups.annotate(
            entry_count=Count("entries", filter=Q(entries__status__in=s.COUNTED)),
            school_count=Count("entries__school", filter=Q(entries__status__in=s.COUNTED), distinct=True))
        quotas = quotas or QuotasForm(groups=groups, used=used, prefix="q")
        return self.render_competition(
            competition, quotas=quotas, group_form=group_form or GroupForm(prefix="g"),
            groups={g.pk: g for g in groups}, editable=competition.status == C.REGISTRATION)

    def get(self, request, pk):
        return self.page(_competition(pk))

    def post(self, request, pk):
        competition = _competition(pk)
        if "g-name" in request.POST:
            form = GroupForm(request.POST, prefix="g")
            if form.is_valid() and self.call_service(
                    lambda: s.group_add(by=request.user, competition=competition, **form.cleaned_data),
                    form=form, success=f"已增加组别“{form.cleaned_data['name'].strip()}”。"):
                return redirect("province:competition-groups", pk=competition.pk)
            return self.page(competition, group_form=form)
        form = QuotasForm(request.POST, groups=competition.groups.all(), used=s.school_use_by_group(competition),
                          prefix="q")
        if form.is_valid() and self.call_service(
                lambda: s.group_quotas_set(by=request.user, competition=competition, quotas=form.quotas()),
                form=form, success="名额已保存。"):
            return redirect("province:competition-groups", pk=competition.pk)
        return self.page(competition, quotas=form)


# ---- entries: eligibility ------------------------------------------------------------------------

def _with_age(entries):
    for entry in entries:
        entry.age, entry.age_ok = age_check(entry)
    return entries


class Entries(CompetitionPage):
    template_name = "web/province/competitions/entries.html"
    title = "资格审查"
    tab = "province:competition-entries"

    def get(self, request, pk):
        competition = _competition(pk)
        table = Table(request, id="entries", columns=[], filters=[
            Filter("status", "状态", choices=Entry.Status.choices),
            Filter("group", "组别", choices=[(str(g.pk), g.name) for g in competition.groups.all()]),
            Filter("school", "学校", choices=[(str(sc.pk), sc.name) for sc in schools()]),
            Filter("q", "搜索", placeholder="姓名或课程"),
        ], per_page=30, empty_text="还没有学校报名。")
        # what waits for a decision first, then by group and school
        rows = entries_of_competition(competition).annotate(decided=Case(
            When(status=Entry.Status.REGISTERED, then=0), default=1)).order_by("decided", "group_id", "school__name",
                                                                              "pk")
        values = table.values
        if values["status"]:
            rows = rows.filter(status=values["status"])
        if values["group"]:
            rows = rows.filter(group_id=values["group"])
        if values["school"]:
            rows = rows.filter(school_id=values["school"])
        if values["q"]:
            rows = rows.filter(Q(name__contains=values["q"]) | Q(course__contains=values["q"]))
        page = table.paginate(rows)
        _with_age(page.object_list)
        filters = [{"filter": f, "value": values[f.name],
                    "choices": [(str(v), label) for v, label in f.choices] if f.choices is not None else None}
                   for f in table.filters]
        return self.render_competition(competition, table=table, page=page, filters=filters,
                                       waiting=competition.entries.filter(status=Entry.Status.REGISTERED).count())


def _entry(pk) -> Entry:
    entry = Entry.objects.select_related("competition", "school", "group").filter(pk=pk).first()
    if entry is None:
        raise Http404("没有这名选手")
    return entry


#: the entries list's own query parameters: the only ones carried back after a decision
ENTRY_LIST_PARAMETERS = ("status", "group", "school", "q", "page")


def _back_to_entries(request, entry):
    """Back to the list as it was filtered; rebuilt from known parameters, never echoed."""
    url = reverse("province:competition-entries", args=[entry.competition_id])
    sent = QueryDict(request.POST.get("back", ""))
    query = urlencode([(name, sent[name]) for name in ENTRY_LIST_PARAMETERS if sent.get(name)])
    return redirect(f"{url}?{query}" if query else url)


class EntryConfirm(ProvincePage):
    http_method_names = ["post"]
    roles = ADMIN

    def post(self, request, pk):
        entry = _entry(pk)
        self.call_service(lambda: s.entry_move(entry=entry, action="confirm", by=request.user),
                          success=f"已确认{entry.name}的参赛资格。")
        return _back_to_entries(request, entry)


class EntryReject(ProvincePage):
    template_name = "web/province/competitions/reject.html"
    title = "资格审查不通过"
    roles = ADMIN

    def page(self, entry, form):
        entry.age, entry.age_ok = age_check(entry)
        return self.render_page(entry=entry, form=form, competition=entry.competition,
                                back=self.request.GET.get("back", self.request.POST.get("back", "")))

    def get(self, request, pk):
        return self.page(_entry(pk), RejectForm())

    def post(self, request, pk):
        entry = _entry(pk)
        form = RejectForm(request.POST)
        if form.is_valid() and self.call_service(
                lambda: s.entry_move(entry=entry, action="reject", by=request.user,
                                     reason=form.cleaned_data["reason"].strip()),
                form=form, success=f"{entry.name}未通过资格审查，学校会看到原因。"):
            return _back_to_entries(request, entry)
        return self.page(entry, form)


# ---- judges --------------------------------------------------------------------------------------

class Judges(ProvincePage):
    """Every account with the judge role and its home school (the school it sits out)."""

    template_name = "web/province/competitions/judges.html"
    title = "评委"
    roles = ADMIN

    def page(self, account_form=None, school_forms=None, password=None):
        school_rows = list(schools().order_by("name"))
        accounts = list(judge_accounts())
        school_forms = school_forms or {}
        for user in accounts:
            judge = getattr(user, "judge_profile", None)
            user.judge = judge
            initial = {"home_school": str(judge.home_school_id) if judge and judge.home_school_id else ""}
            user.form = school_forms.get(user.pk) or HomeSchoolForm(initial=initial, schools=school_rows,
                                                                     prefix=f"u{user.pk}")
            user.assignment_count = judge.assignments.count() if judge else 0
        return self.render_page(accounts=accounts, password=password,
                                account_form=account_form or JudgeAccountForm(schools=school_rows, prefix="new"))

    def get(self, request):
        return self.page()

    def post(self, request):
        school_rows = list(schools().order_by("name"))
        if "new-username" in request.POST:
            form = JudgeAccountForm(request.POST, schools=school_rows, prefix="new")
            if form.is_valid():
                made = self.call_service(lambda: s.judge_account_create(
                    by=request.user, username=form.cleaned_data["username"].strip(),
                    full_name=form.cleaned_data["full_name"], home_school=form.school()), form=form)
                if made:
                    judge, password = made.value
                    response = self.page(password={"username": judge.user.username, "password": password})
                    response["Cache-Control"] = "no-store"
                    return response
            return self.page(account_form=form)
        user = User.objects.filter(pk=posted_id(request, "user"), roles__contains=[Role.JUDGE]).first()
        if user is None:
            raise Http404("没有这位评委")
        form = HomeSchoolForm(request.POST, schools=school_rows, prefix=f"u{user.pk}")
        if form.is_valid() and self.call_service(
                lambda: s.judge_register(by=request.user, user=user, home_school=form.school()),
                form=form, success=f"已保存{user}的所在学校。"):
            return redirect("province:competition-judges")
        return self.page(school_forms={user.pk: form})


# ---- panels --------------------------------------------------------------------------------------

class Panel(CompetitionPage):
    """Each group's panel: per judge what is assigned and scored, and that no judge has a contestant
    of their own school; add judges to a group, one judge to one contestant, or take a judge off."""

    template_name = "web/province/competitions/panel.html"
    title = "评审组"
    tab = "province:competition-panel"

    def page(self, competition, forms=None):
        forms = forms or {}
        judges = list(registered_judges())
        groups = []
        for group in competition.groups.all():
            panel = panel_of(group)
            for j in panel:
                j.own_label = f"无（回避 {j.sat_out} 名）" if j.sat_out else "无"
            on_panel = {j.pk for j in panel}
            entries = list(group.entries.filter(status=Entry.Status.CONFIRMED).select_related("school"))
            per_entry = judges_per_entry(group)
            for entry in entries:
                entry.judges = per_entry.get(entry.pk, [])
            groups.append({
                "group": group, "panel": panel, "entries": entries,
                "unassigned": [e for e in entries if not e.judges],
                "own_school_total": sum(j.own_assigned for j in panel),
                "missing": sum(max(j.missing, 0) for j in panel),
                "panel_form": forms.get(("panel", group.pk)) or PanelForm(
                    judges=[j for j in judges if j.pk not in on_panel], prefix=f"p{group.pk}"),
                "assign_form": forms.get(("assign", group.pk)) or AssignmentForm(
                    entries=entries, judges=judges, prefix=f"a{group.pk}"),
            })
        return self.render_competition(competition, groups=groups, judges=judges,
                                       editable=competition.status != C.PUBLISHED)

    def get(self, request, pk):
        return self.page(_competition(pk))

    def post(self, request, pk):
        competition = _competition(pk)
        group = competition.groups.filter(pk=posted_id(request, "group")).first()
        if group is None:
            raise Http404("没有这个组别")
        judges = list(registered_judges())
        done = reverse("province:competition-panel", args=[competition.pk]) + f"#group-{group.pk}"
        kind = request.POST.get("kind")
        if kind == "refill":
            panel = [Judge.objects.get(pk=j.pk) for j in panel_of(group)]
            made = self.call_service(lambda: s.panel_assign(by=request.user, group=group, judges=panel))
            if made:
                self.ok(f"已为{group.name}补充分配 {made.value} 个评分任务。")
            return redirect(done)
        if kind == "remove":
            judge = Judge.objects.filter(pk=posted_id(request, "judge")).select_related("user").first()
            if judge is None:
                raise Http404("没有这位评委")
            self.call_service(lambda: s.panel_remove(by=request.user, group=group, judge=judge),
                              success=f"已把{judge.user}移出{group.name}评审组。")
            return redirect(done)
        if kind == "assign":
            entries = list(group.entries.filter(status=Entry.Status.CONFIRMED).select_related("school"))
            form = AssignmentForm(request.POST, entries=entries, judges=judges, prefix=f"a{group.pk}")
            if form.is_valid():
                entry = form.entries.get(form.cleaned_data["entry"] or "")
                judge = form.judges.get(form.cleaned_data["judge"] or "")
                if entry is None:
                    form.add_error("entry", "请选择选手。")
                if judge is None:
                    form.add_error("judge", "请选择评委。")
                if entry and judge and self.call_service(
                        lambda: s.assignment_add(by=request.user, entry=entry, judge=judge), form=form,
                        success=f"已安排{judge.user}评{entry.name}。"):
                    return redirect(done)
            return self.page(competition, forms={("assign", group.pk): form})
        on_panel = {j.pk for j in panel_of(group)}
        form = PanelForm(request.POST, judges=[j for j in judges if j.pk not in on_panel], prefix=f"p{group.pk}")
        if form.is_valid():
            made = self.call_service(lambda: s.panel_assign(by=request.user, group=group, judges=form.chosen()),
                                     form=form)
            if made:
                self.ok(f"已把 {len(form.chosen())} 位评委加入{group.name}评审组，新增 {made.value} 个评分任务"
                        "（本校选手已回避）。")
                return redirect(done)
        return self.page(competition, forms={("panel", group.pk): form})

    def ok(self, text):
        from django.contrib import messages

        messages.success(self.request, text)


# ---- results -------------------------------------------------------------------------------------

class Results(CompetitionPage):
    """Per group: rank, final score, tier and recommendation — a preview while judging, the stored
    results once published."""

    template_name = "web/province/competitions/results.html"
    title = "成绩"
    tab = "province:competition-results"

    def get(self, request, pk):
        competition = _competition(pk)
        published = competition.status == C.PUBLISHED
        groups = []
        for group in competition.groups.all():
            if published:
                rows = list(group.entries.filter(status=Entry.Status.CONFIRMED).select_related("school").annotate(
                    score_count=Count("scores")).order_by("rank", "pk"))
                rows.sort(key=lambda e: (e.rank is None, e.rank or 0, e.pk))
            else:
                rows = s.group_ranking(group)
            assigned = dict(Entry.objects.filter(group=group, status=Entry.Status.CONFIRMED).annotate(
                n=Count("assignments")).values_list("pk", "n"))
            for entry in rows:
                entry.assigned = assigned.get(entry.pk, 0)
            groups.append({"group": group, "rows": rows})
        counts = competitions_with_counts().get(pk=competition.pk)
        return self.render_competition(competition, groups=groups, published=published, counts=counts,
                                       unscored=max(counts.assignment_count - counts.score_count, 0))


# ---- a judge's pages -----------------------------------------------------------------------------

def _judge(request) -> Judge:
    judge = judge_of(request.user)
    if judge is None:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("您的账号尚未登记为评委，请联系自治区教育工会。")
    return judge


class Judging(ProvincePage):
    """A judge's competitions: what is assigned to them and how far they are."""

    template_name = "web/province/competitions/judging.html"
    title = "我的评审"
    roles = JUDGE

    def get(self, request):
        judge = judge_of(request.user)
        return self.render_page(judge=judge, rows=judging_progress(judge) if judge else [])


def _progress(judge, competition) -> dict:
    rows = [r for r in judging_progress(judge) if r["competition"].pk == competition.pk]
    return rows[0] if rows else {"competition": competition, "assigned": 0, "scored": 0, "left": 0, "percent": 0}


def _score_form(entry, competition, data=None, judge=None):
    initial = None
    if data is None and judge is not None:
        score = Score.objects.filter(entry=entry, judge=judge).first()
        entry.score = score
        if score:
            initial = {field: f"{getattr(score, field).normalize():f}" for field, _ in s.PARTS}
    return ScoreForm(data, initial=initial, competition=competition, prefix=f"e{entry.pk}")


class Scoring(ProvincePage):
    """One competition's contestants assigned to this judge, each with its own score form."""

    template_name = "web/province/competitions/scoring.html"
    roles = JUDGE

    def get(self, request, pk):
        judge = _judge(request)
        entries = list(assignments_of(judge).filter(competition_id=pk))
        if not entries:
            raise Http404("没有分配给您的选手")
        competition = entries[0].competition
        for entry in entries:
            entry.form = _score_form(entry, competition, judge=judge)
        return self.render_page(competition=competition, entries=entries, progress=_progress(judge, competition),
                                open=competition.status == C.JUDGING, page_title=f"评分 · {competition.title}")


class ScoreEntry(ProvincePage):
    """One contestant's scores: GET the card on its own page; POST saves — an HTMX request gets the
    card back (with the refusals beside the fields) and the progress bar out of band."""

    template_name = "web/province/competitions/score_entry.html"
    roles = JUDGE

    def entry(self, request, pk):
        judge = _judge(request)
        entry = entry_for_judge(judge, pk)   # own school: 403 with the reason; not assigned: 404
        if entry is None:
            raise Http404("没有分配给您的这名选手")
        return judge, entry

    def card(self, judge, entry, form, saved=False):
        competition = entry.competition
        context = {"entry": entry, "form": form, "competition": competition, "saved": saved,
                   "open": competition.status == C.JUDGING, "progress": _progress(judge, competition)}
        if self.request.htmx:
            return render(self.request, "web/province/competitions/score_card_response.html", context)
        return self.render_page(page_title=f"评分 · {entry.name}", **context)

    def get(self, request, pk):
        judge, entry = self.entry(request, pk)
        return self.card(judge, entry, _score_form(entry, entry.competition, judge=judge))

    def post(self, request, pk):
        judge, entry = self.entry(request, pk)
        form = _score_form(entry, entry.competition, data=request.POST)
        if form.is_valid():
            saved = self.call_service(lambda: s.score_submit(entry=entry, judge=judge, **form.cleaned_data),
                                      form=form, success=f"{entry.name}的评分已保存。")
            if saved:
                if not request.htmx:
                    return redirect(reverse("province:scoring", args=[entry.competition_id]) + f"#entry-{entry.pk}")
                entry = assignments_of(judge).get(pk=entry.pk)
                return self.card(judge, entry, _score_form(entry, entry.competition, judge=judge), saved=True)
        entry.score = Score.objects.filter(entry=entry, judge=judge).first()
        return self.card(judge, entry, form)


# ---- the workbench -------------------------------------------------------------------------------

def workbench_todos(user) -> list:
    """What of this area waits for `user` (web.workbench.Todo rows); [] when nothing is theirs."""
    todos = []
    if user.has_role(Role.JUDGE):
        judge = judge_of(user)
        rows = [r for r in judging_progress(judge) if r["competition"].status == C.JUDGING] if judge else []
        todos.append(Todo(
            "competition_scoring", "待评分的选手", sum(r["left"] for r in rows), reverse("province:judging"),
            items=[{"text": f"{r['competition'].title} · 已评 {r['scored']} / {r['assigned']}",
                    "url": reverse("province:scoring", args=[r["competition"].pk]), "when": None,
                    "progress": r} for r in rows[:LIST_LENGTH]], grouped=len(rows) <= LIST_LENGTH))
    if user.has_role(Role.PROVINCE_ADMIN):
        # one row per competition (in the order of its oldest waiting entry), counted in the
        # database: a region's entries are never loaded to be grouped here
        per_competition = list(entries_to_confirm().order_by().values("competition_id").annotate(
            waiting=Count("pk"), oldest=Min("registered_at"), oldest_pk=Min("pk")).order_by("oldest", "oldest_pk"))
        shown = per_competition[:LIST_LENGTH]
        titles = dict(Competition.objects.filter(pk__in=[g["competition_id"] for g in shown])
                      .values_list("pk", "title"))
        first = per_competition[0]["competition_id"] if per_competition else None
        todos.append(Todo(
            "competition_entries", "待确认的参赛报名", sum(g["waiting"] for g in per_competition),
            reverse("province:competition-entries", args=[first]) + "?status=registered" if first
            else reverse("province:competitions"),
            items=[{"text": f"{titles[g['competition_id']]}：{g['waiting']} 名待审查",
                    "url": reverse("province:competition-entries", args=[g["competition_id"]]) + "?status=registered",
                    "when": g["oldest"]} for g in shown],
            grouped=len(per_competition) <= LIST_LENGTH))
        ready = ready_to_publish()
        todos.append(Todo(
            "competitions_to_publish", "评分完成待公布的竞赛", len(ready),
            reverse("province:competition-results", args=[ready[0].pk]) if len(ready) == 1
            else reverse("province:competitions") + "?status=judging",
            items=[{"text": f"{c.title}（已评 {c.score_count} / {c.assignment_count}）",
                    "url": reverse("province:competition-results", args=[c.pk]), "when": None}
                   for c in ready[:LIST_LENGTH]]))
    return todos


urlpatterns = [
    path("", CompetitionList.as_view(), name="competitions"),
    path("new/", CompetitionNew.as_view(), name="competition-new"),
    path("judges/", Judges.as_view(), name="competition-judges"),
    path("judging/", Judging.as_view(), name="judging"),
    path("<int:pk>/", CompetitionDetail.as_view(), name="competition"),
    path("<int:pk>/groups/", Groups.as_view(), name="competition-groups"),
    path("<int:pk>/entries/", Entries.as_view(), name="competition-entries"),
    path("<int:pk>/panel/", Panel.as_view(), name="competition-panel"),
    path("<int:pk>/results/", Results.as_view(), name="competition-results"),
    path("<int:pk>/start-judging/", CompetitionMove.as_view(
        action="start_judging", success="已进入评审，报名停止。"), name="competition-start-judging"),
    path("<int:pk>/publish/", CompetitionMove.as_view(
        action="publish", success="成绩已公布，各校可以看到本校选手的名次和奖项。",
        next_page="province:competition-results"), name="competition-publish"),
    path("<int:pk>/scoring/", Scoring.as_view(), name="scoring"),
    path("entries/<int:pk>/confirm/", EntryConfirm.as_view(), name="competition-entry-confirm"),
    path("entries/<int:pk>/reject/", EntryReject.as_view(), name="competition-entry-reject"),
    path("score/<int:pk>/", ScoreEntry.as_view(), name="score"),
]
