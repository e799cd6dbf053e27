"""Aid given to a member (帮扶记录), for their hardship case: care visits and mutual-aid claims."""
from __future__ import annotations

from django.utils import timezone

from tenants.care.selectors import visits_of_member
from tenants.mutualaid.selectors import claims_of_member

#: the kinds of aid, as the books name their sources (LedgerEntry.Source)
CARE_VISIT, AID_CLAIM = "care_visit", "aid_claim"


def aid_given(member) -> list[dict]:
    """[{kind, kind_label, id, text, date, amount}] newest first: every care visit of the member and
    every mutual-aid claim (its approved amount once approved, otherwise none yet)."""
    rows = [{"kind": CARE_VISIT, "kind_label": "慰问", "id": visit.pk,
             "text": f"{visit.get_kind_display()}（{visit.get_status_display()}）",
             "date": visit.visited_on, "amount": visit.amount} for visit in visits_of_member(member)]
    rows += [{"kind": AID_CLAIM, "kind_label": "互助金", "id": claim.pk,
              "text": f"{claim.enrolment.scheme.name} · {claim.category.name}（{claim.get_status_display()}）",
              "date": claim.paid_on or timezone.localdate(claim.created), "amount": claim.approved_amount}
             for claim in claims_of_member(member)]
    return sorted(rows, key=lambda row: (row["date"], row["id"]), reverse=True)
