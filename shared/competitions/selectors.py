"""Reads of the teaching competition.

The school's side: competitions are addressed to every school; the entries read there are only the
given school's. The province's side (below) reads across schools; a judge's reads are only the
entries assigned to that judge.
"""
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from shared.competitions.models import Competition, CompetitionGroup, Entry
from shared.selectors import require_school
from tenants.columns import own_columns
from tenants.counting import RelatedRows

#: entries that take a place of the school's quota in a group (as the registration service counts)
COUNTED = [Entry.Status.REGISTERED, Entry.Status.CONFIRMED]


def competitions_listed(rows):
    """Competitions as a list shows them: each one's groups in the row's own query rather than a
    prefetch (issue #14)."""
    return rows.annotate(listed_groups=RelatedRows(Competition, "groups", ["id", "name", "quota_per_school"]))


def entries_listed(rows, *, results_shown: bool):
    """Entries as a list shows them: of the joined school and group only the names (a school's and a
    competition's rows are wide; their other columns cost compiling and building for nothing), and the
    competition only where the answer hides the results until they are published, by its status
    (api.serializers.competitions.EntrySerializer; issue #14)."""
    related = ["school__name", "group__name"]
    if not results_shown:
        related.append("competition__status")
    return rows.select_related(*(name.split("__")[0] for name in related)).only(*own_columns(Entry), *related)


def competitions_for_school(school):
    require_school(school, "教学竞赛")
    return Competition.objects.order_by("-year", "-edition")


def groups_for_school(competition, school):
    """The competition's groups with what this school has used of each group's quota."""
    require_school(school, "教学竞赛")
    return CompetitionGroup.objects.filter(competition=competition).annotate(
        school_used=Count("entries", filter=Q(entries__school=school, entries__status__in=COUNTED))).order_by("id")


def entries_of(school):
    """This school's own contestants. Results (score, rank, award) are for the page to show only
    when `results_published` — before that the school sees none of them."""
    require_school(school, "参赛选手")
    entries = Entry.objects.filter(school=school).select_related("competition", "group").order_by(
        "-competition__year", "group_id", "id")
    return entries


def results_published(entry) -> bool:
    return entry.competition.status == Competition.Status.PUBLISHED


# ---- the provincial side: the province sees every school; a judge only their own assignments ----

def competitions_with_counts():
    """Every competition with what waits in it: entries to confirm, confirmed, assignments, scores."""
    from shared.competitions.models import JudgeAssignment, Score

    assigned = JudgeAssignment.objects.filter(entry__competition=OuterRef("pk")).values("entry__competition")
    scored = Score.objects.filter(entry__competition=OuterRef("pk")).values("entry__competition")
    return Competition.objects.annotate(
        registered_count=Count("entries", filter=Q(entries__status=Entry.Status.REGISTERED)),
        confirmed_count=Count("entries", filter=Q(entries__status=Entry.Status.CONFIRMED)),
        assignment_count=Coalesce(Subquery(assigned.annotate(n=Count("id")).values("n")), 0),
        score_count=Coalesce(Subquery(scored.annotate(n=Count("id")).values("n")), 0),
    ).order_by("-year", "-edition", "-pk")


def entries_of_competition(competition):
    return Entry.objects.filter(competition=competition).select_related("school", "group", "competition")


def age_check(entry) -> tuple[int, bool]:
    """The entrant's age on the competition's cut-off date, and whether it is within the limit."""
    from shared.competitions.services import age_on

    age = age_on(entry.birth_date, entry.competition.age_cutoff_on)
    return age, age <= entry.competition.age_limit


def entries_to_confirm():
    """Entries waiting for the province's decision on their eligibility, oldest first."""
    return Entry.objects.filter(status=Entry.Status.REGISTERED).select_related("competition", "school").order_by(
        "registered_at", "pk")


def ready_to_publish():
    """Competitions in judging where every assignment has its score (and there is at least one)."""
    return [c for c in competitions_with_counts().filter(status=Competition.Status.JUDGING)
            if c.assignment_count and c.score_count >= c.assignment_count]


def judge_accounts():
    """Provincial accounts holding the judge role, with their judge record (home school) if any."""
    from tenants.accounts.models import User
    from tenants.accounts.roles import Role

    return User.objects.filter(roles__contains=[Role.JUDGE]).select_related(
        "judge_profile", "judge_profile__home_school").order_by("username")


def registered_judges():
    from shared.competitions.models import Judge

    return Judge.objects.select_related("user", "home_school").order_by("user__username")


def panel_of(group):
    """Per judge on the group's panel: assigned, scored, own-school contestants sat out, and
    own-school assignments (always 0: the services refuse them — the page shows it)."""
    from shared.competitions.models import Judge

    entries = list(group.entries.filter(status=Entry.Status.CONFIRMED).values_list("pk", "school_id"))
    judges = Judge.objects.filter(assignments__entry__group=group).distinct().select_related(
        "user", "home_school").annotate(
        assigned=Count("assignments", filter=Q(assignments__entry__group=group), distinct=True),
        scored=Count("scores", filter=Q(scores__entry__group=group), distinct=True),
        own_assigned=Count("assignments", filter=Q(assignments__entry__group=group,
                                                   assignments__entry__school=F("home_school")), distinct=True),
    ).order_by("user__username")
    rows = []
    for judge in judges:
        judge.sat_out = sum(1 for _, school in entries if judge.home_school_id and school == judge.home_school_id)
        judge.missing = len(entries) - judge.sat_out - judge.assigned
        rows.append(judge)
    return rows


def judges_per_entry(group) -> dict[int, list]:
    """entry id → the judges assigned to it (for the panel page's per-contestant view)."""
    from shared.competitions.models import JudgeAssignment

    result: dict[int, list] = {}
    rows = JudgeAssignment.objects.filter(entry__group=group).select_related("judge__user")
    for a in rows.order_by("judge__user__username"):
        result.setdefault(a.entry_id, []).append(a.judge)
    return result


# ---- a judge -----------------------------------------------------------------------------------

def judge_of(user):
    from shared.competitions.models import Judge

    return Judge.objects.filter(user=user).select_related("home_school").first()


def assignments_of(judge, competition=None):
    """The entries assigned to this judge (never another judge's), with this judge's score on each."""
    from shared.competitions.models import Score

    rows = Entry.objects.filter(assignments__judge=judge).select_related("competition", "group", "school")
    if competition is not None:
        rows = rows.filter(competition=competition)
    mine = Score.objects.filter(judge=judge, entry=OuterRef("pk"))
    return rows.annotate(my_score=Exists(mine)).order_by("group_id", "pk")


def judging_progress(judge) -> list:
    """Per competition this judge has assignments in: the competition, assigned and scored."""
    by_competition: dict[int, dict] = {}
    for entry in assignments_of(judge):
        row = by_competition.setdefault(entry.competition_id, {"competition": entry.competition, "assigned": 0,
                                                               "scored": 0})
        row["assigned"] += 1
        row["scored"] += int(entry.my_score)
    rows = list(by_competition.values())
    for row in rows:
        row["left"] = row["assigned"] - row["scored"]
        row["percent"] = round(100 * row["scored"] / row["assigned"]) if row["assigned"] else 0
    return sorted(rows, key=lambda r: (r["competition"].status != Competition.Status.JUDGING,
                                       -r["competition"].year, -r["competition"].pk))


class OwnSchoolEntry(PermissionDenied):
    """The entry is a contestant of the judge's own school: a judge never sees it to score."""


def entry_for_judge(judge, pk):
    """The assigned entry, or None when it is not this judge's (the page answers 404); raises
    OwnSchoolEntry for a contestant of the judge's own school (the page answers 403 with why)."""
    entry = assignments_of(judge).filter(pk=pk).first()
    if entry is not None:
        return entry
    if judge.home_school_id and Entry.objects.filter(pk=pk, school_id=judge.home_school_id).exists():
        raise OwnSchoolEntry("评委不能为本校选手评分（回避）。")
    return None
