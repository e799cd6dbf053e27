"""Copies of a school's demo rows, so that every list of the school host's congress, activities,
trips, awards, health checks, retirement, work plan and notices has several rows of each shape
(the query-count test, tests/api/test_school2_list_queries.py, and the measurements in
/work/p14-bench-school2.md)."""
from __future__ import annotations

import itertools
import secrets

from django.db import models
from django_tenants.utils import schema_context

_offset = itertools.count(1)


def clone(row, _children=(), **changes):
    """A copy of ``row`` (new pk) with ``changes``, its many-to-many links, and copies of the rows
    named in ``_children`` ((related_name, extra changes factory) pairs) pointing at the copy."""
    original = type(row).objects.get(pk=row.pk)
    m2m = {field.name: list(getattr(original, field.name).all()) for field in row._meta.many_to_many}
    copy = type(row).objects.get(pk=row.pk)
    copy.pk = copy.id = None
    for name, value in changes.items():
        setattr(copy, name, value)
    copy.save()
    for name, values in m2m.items():
        getattr(copy, name).set(values)
    for related_name, extra in _children:
        relation = next(r for r in row._meta.related_objects if r.get_accessor_name() == related_name)
        for child in getattr(original, related_name).all():
            clone(child, **{relation.field.name: copy}, **(extra(child) if extra else {}))
    return copy


def amplify(school, copies: int = 2) -> None:
    """Every list's rows ``copies`` more times (roots with their children)."""
    from tenants.activities.models import Activity
    from tenants.awards.models import AwardCampaign, AwardObjection
    from tenants.congress.models import Congress, Delegation, Proposal, Suggestion
    from tenants.healthchecks.models import HealthCheck
    from tenants.notices.models import Notice
    from tenants.retirement.models import Ceremony
    from tenants.trips.models import TripBatch
    from tenants.workplan.models import Plan

    def new_code(_child):
        return {"code": secrets.token_hex(5)}

    with schema_context(school.schema_name):
        congresses = list(Congress.objects.filter(branch__isnull=True))
        delegations = list(Delegation.objects.all())
        proposals = list(Proposal.objects.filter(forwarded_from=None, merged_into=None, suggestion__isnull=True))
        suggestions = list(Suggestion.objects.filter(source_proposal=None))
        activities, batches = list(Activity.objects.all()), list(TripBatch.objects.all())
        campaigns, checks = list(AwardCampaign.objects.all()), list(HealthCheck.objects.all())
        ceremonies, plans, notices = list(Ceremony.objects.all()), list(Plan.objects.all()), list(Notice.objects.all())
        objections = list(AwardObjection.objects.all())
        for _ in range(copies):
            n = next(_offset)
            for congress in congresses:
                clone(congress, term=congress.term + n)
            for delegation in delegations:
                clone(delegation, name=f"{delegation.name}{n}")
            top = Proposal.objects.exclude(serial=None).order_by("-serial").values_list("serial", flat=True).first() or 0
            for index, proposal in enumerate(proposals, start=1):
                clone(proposal, serial=None if proposal.serial is None else top + index,
                      number=f"{proposal.number}-{n}" if proposal.number else "",
                      _children=[("seconds", None), ("replies", None)])
            for suggestion in suggestions:
                clone(suggestion, title=f"{suggestion.title}{n}")
            for activity in activities:
                clone(activity, _children=[("quotas", None), ("registrations", new_code)])
            for batch in batches:
                clone(batch, _children=[("applications", None)])
            for campaign in campaigns:
                clone(campaign, _children=[("quotas", None), ("nominations", None)])
            for objection in objections:
                clone(objection)
            for check in checks:
                copy = clone(check, year=check.year - 50 * n, ledger_entry=None)
                copied = {}
                for batch in check.batches.all():
                    copied[batch.pk] = clone(batch, health_check=copy)
                for assignment in check.assignments.all():
                    clone(assignment, health_check=copy, batch=copied.get(assignment.batch_id),
                          requested_batch=copied.get(assignment.requested_batch_id))
            for ceremony in ceremonies:
                clone(ceremony, _children=[("honourees", None)])
            for plan in plans:
                clone(plan, year=plan.year - 50 * n, _children=[("tasks", None)])
            for notice in notices:
                clone(notice, _children=[("recipients", None)])
