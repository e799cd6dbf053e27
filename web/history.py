"""A record's state steps for a page (who, when, from, to, why), labels in Chinese — the audit's
transition records of one object under its declared machine. Drawn by components/state_history.html."""
from __future__ import annotations

from tenants.audit.selectors import audit_records


def state_history(obj, machine) -> list[dict]:
    records = audit_records(target_type=obj._meta.label_lower, target_id=str(obj.pk),
                            action="transition").order_by("at", "id")
    return [{"who": r.actor_name or "系统", "at": r.at,
             "from": machine.label(r.from_state) if r.from_state else "—", "to": machine.label(r.to_state),
             "reason": r.reason} for r in records]
