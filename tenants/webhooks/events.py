"""The declared catalogue of webhook events, and the data each one carries.

Personal data is shaped as in lists (tenants/personal_data.py): phones and ID numbers masked,
never the whole number, no birth dates or free-text deeds.

Which host hears what:
- a school host: its own events (members, 入会申请, proposals) and the provincial events that concern
  that school — its nominations and competition entries changing state, a circular addressed to it,
  a subsidy disbursed to it;
- the provincial host: the provincial events of every school.
"""
from __future__ import annotations

from tenants.personal_data import mask_phone

SCHOOL_EVENTS = {
    "member.created": "会员新增",
    "member.updated": "会员信息或状态变更",
    "member.left": "会员退会或转出",
    "application.approved": "入会申请批准",
    "proposal.submitted": "提案提交",
    "proposal.accepted": "提案立案",
    "proposal.replied": "提案答复",
    "proposal.closed": "提案结案",
}
PROVINCIAL_EVENTS = {
    "nomination.status_changed": "荣誉推荐状态变更",
    "entry.status_changed": "教学竞赛报名状态变更",
    "circular.published": "省级通知发布",
    "subsidy.disbursed": "经费补助拨付",
}
#: a ping sent on request from the subscription's page or API, never emitted by a change
TEST_EVENT = "webhook.test"


def catalogue(*, province: bool) -> dict[str, str]:
    """Event type → Chinese label, for the host the subscription lives on."""
    return dict(PROVINCIAL_EVENTS) if province else {**SCHOOL_EVENTS, **PROVINCIAL_EVENTS}


def event_label(event_type: str, *, province: bool) -> str:
    """The Chinese name of an event as the delivery log shows it (the test ping included)."""
    return {**catalogue(province=province), TEST_EVENT: "测试消息"}.get(event_type, event_type)


def _date(value):
    return value.isoformat() if value else None


def member_data(member) -> dict:
    return {"id": member.pk, "name": member.name, "employee_number": member.employee_number,
            "gender": member.gender, "branch": member.branch.name if member.branch_id else None,
            "employment_type": member.employment_type, "status": member.status,
            "join_date": _date(member.join_date), "status_changed_on": _date(member.status_changed_on),
            "phone": mask_phone(member.phone) if member.phone else "",
            "id_number": member.id_number_masked}


def application_data(application) -> dict:
    return {"id": application.pk, "name": application.name, "employee_number": application.employee_number,
            "branch": application.branch.name if application.branch_id else None, "status": application.status,
            "member_id": application.member_id}


def proposal_data(proposal) -> dict:
    return {"id": proposal.pk, "number": proposal.number, "title": proposal.title, "status": proposal.status,
            "congress_id": proposal.congress_id,
            "lead_department": proposal.lead_department.name if proposal.lead_department_id else None,
            "due_date": _date(proposal.due_date), "rating": proposal.rating}


def nomination_data(nomination, *, from_status: str = "") -> dict:
    return {"id": nomination.pk, "campaign_id": nomination.campaign_id, "campaign": nomination.campaign.title,
            "school": nomination.school.slug, "nominee_name": nomination.nominee_name or nomination.unit_name,
            "from_status": from_status or None, "status": nomination.status}


def entry_data(entry, *, from_status: str = "") -> dict:
    return {"id": entry.pk, "competition_id": entry.competition_id, "competition": entry.competition.title,
            "group": entry.group.name, "school": entry.school.slug, "name": entry.name, "course": entry.course,
            "from_status": from_status or None, "status": entry.status}


def circular_data(circular) -> dict:
    return {"id": circular.pk, "title": circular.title, "doc_number": circular.doc_number,
            "issuer": circular.issuer, "issued_on": _date(circular.issued_on),
            "published_at": circular.published_at.isoformat() if circular.published_at else None}


def subsidy_data(application) -> dict:
    return {"id": application.pk, "programme_id": application.programme_id, "programme": application.programme.title,
            "school": application.school.slug, "project": application.project,
            "allocated_amount": str(application.allocated_amount) if application.allocated_amount is not None else None,
            "disbursed_at": application.disbursed_at.isoformat() if application.disbursed_at else None}
