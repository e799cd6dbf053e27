"""Reads of 荣休: ceremonies, their lists, the year's retirees not yet honoured, a member's ceremony."""
from __future__ import annotations

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef
from django.db.models.functions import JSONObject

from tenants.compiled_once import compiled_once
from tenants.members.models import Member
from tenants.retirement.models import Ceremony, Honouree
from tenants.retirement.services import year_retirees


def honourees_of(ceremony: Ceremony, *, excluded: bool = False):
    return (ceremony.honourees.filter(excluded=excluded).select_related("member", "member__branch")
            .order_by("member__branch__name", "member__employee_number"))


def retirees_not_honoured(year: int):
    """The year's retirees on no ceremony's list (taken off one counts as handled)."""
    retirees = year_retirees(year)
    handled = set(Honouree.objects.filter(member_id__in=list(retirees)).values_list("member_id", flat=True))
    return (Member.objects.filter(pk__in=[pk for pk in retirees if pk not in handled]).select_related("branch")
            .order_by("branch__name", "employee_number"))


def preview(year: int) -> list[dict]:
    """The year's retirees with where they stand: on a list, taken off, or not yet on one."""
    retirees = year_retirees(year)
    rows = {h.member_id: h for h in Honouree.objects.filter(member_id__in=list(retirees)).select_related("ceremony")}
    members = Member.objects.filter(pk__in=list(retirees)).select_related("branch").order_by("branch__name",
                                                                                              "employee_number")
    return [{"member": m, "retired_on": retirees[m.pk], "honouree": rows.get(m.pk)} for m in members]


def member_honours(member: Member):
    return (Honouree.objects.filter(member=member, excluded=False).select_related("ceremony")
            .order_by("-ceremony__held_on"))


def honourees_in_order(rows):
    """A ceremony's list as shown: those on it first, by employee number, with their branches."""
    return rows.select_related("member", "member__branch").order_by("excluded", "member__employee_number")


def with_honourees(ceremonies):
    """The ceremonies with their lists in the page's own statement (listed_honourees: per person a dict
    of the columns HonoureeSerializer shows, in honourees_in_order's order). A prefetch cost a
    statement and three model instances per person: ~30 % of the list's request (issue #14)."""
    return ceremonies.annotate(listed_honourees=_listed_honourees())


@compiled_once(Ceremony)
def _listed_honourees():
    # the same SQL for every page and school: compiled once per process (tenants/compiled_once.py)
    rows = honourees_in_order(Honouree.objects.filter(ceremony_id=OuterRef("pk"))).values(row=JSONObject(
        id="id", member="member_id", member_name="member__name", branch_name="member__branch__name",
        retired_on="retired_on", source="source", reason="reason", excluded="excluded",
        exclude_reason="exclude_reason"))
    return ArraySubquery(rows)
