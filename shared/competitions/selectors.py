"""The school's side of the teaching competition: competitions are addressed to every school; the
entries read here are only the given school's."""
from django.db.models import Count, Q

from shared.competitions.models import Competition, CompetitionGroup, Entry
from shared.selectors import require_school

#: entries that take a place of the school's quota in a group (as the registration service counts)
COUNTED = [Entry.Status.REGISTERED, Entry.Status.CONFIRMED]


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
