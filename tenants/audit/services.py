"""Writing audit records. Callers run these inside the transaction of the change they record."""
from __future__ import annotations

from decimal import Decimal

from django.db import connection, models
from django_tenants.utils import get_public_schema_name, schema_context

from tenants.app_lists import public_only_app_labels
from tenants.audit.models import AuditRecord

SYSTEM_ACTOR = "系统"


def _json_value(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)):
        return [_json_value(v) for v in value]
    return value


# Never copied into an audit record; and shown masked when they change.
HIDDEN_FIELDS = frozenset({"password", "id_number_encrypted", "id_number_index"})
# Personal facts whose value an audit record does not repeat (婚姻状况).
PRIVATE_FACTS = frozenset({"marital_status"})


def _masked(name: str, value):
    from tenants.personal_data import mask_phone

    if name in ("phone", "contact_phone") and value:
        return mask_phone(str(value))
    if name in PRIVATE_FACTS and value:
        # that it was recorded or changed is kept, not what it is
        return "（已登记）"
    return value


def field_values(instance: models.Model, fields) -> dict:
    """Current values of ``fields`` (raw, for comparison; masked when written by the audit)."""
    return {name: _json_value(getattr(instance, name)) for name in fields if name not in HIDDEN_FIELDS}


def actor_name(actor) -> str:
    """The name recorded for whoever made a change: the username, or 系统 for the platform itself."""
    if actor is not None and getattr(actor, "is_authenticated", False):
        return actor.get_username()
    return SYSTEM_ACTOR


def audit_record(*, actor, action: str, target: models.Model, changes: dict | None = None,
                 from_state: str = "", to_state: str = "", reason: str = "") -> AuditRecord:
    """Write the record in the schema that owns ``target``, in the caller's transaction.

    A provincial (public-schema) record changed from a school's host is audited in the public
    schema, attributed as "<school slug>:<username>" (school accounts live in the school schema).
    """
    on_school = connection.schema_name != get_public_schema_name()
    if on_school and target._meta.app_label in public_only_app_labels():
        slug = getattr(getattr(connection, "tenant", None), "slug", connection.schema_name)
        with schema_context(get_public_schema_name()):
            return _write(None, f"{slug}:{actor_name(actor)}", action, target, changes, from_state, to_state,
                          reason)
    authenticated = actor_name(actor) != SYSTEM_ACTOR
    return _write(actor if authenticated else None, actor_name(actor), action, target, changes, from_state,
                  to_state, reason)


def _write(actor, actor_name, action, target, changes, from_state, to_state, reason) -> AuditRecord:
    return AuditRecord.objects.create(
        actor=actor,
        actor_name=actor_name,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_repr=str(target)[:200],
        changes=changes or {},
        from_state=from_state,
        to_state=to_state,
        reason=reason or "",
    )


def audit_create(*, actor, target: models.Model, fields) -> AuditRecord:
    values = field_values(target, fields)
    return audit_record(actor=actor, action=AuditRecord.Action.CREATE, target=target,
                        changes={name: [None, _masked(name, value)] for name, value in values.items()})


def audit_update(*, actor, target: models.Model, before: dict, reason: str = "") -> AuditRecord | None:
    """Record the fields whose value differs from ``before`` (from field_values); None if none."""
    after = field_values(target, before.keys())
    changes = {name: [_masked(name, before[name]), _masked(name, after[name])]
               for name in before if name in after and before[name] != after[name]}
    if not changes:
        return None
    return audit_record(actor=actor, action=AuditRecord.Action.UPDATE, target=target,
                        changes=changes, reason=reason)


def audit_delete(*, actor, target: models.Model, reason: str = "") -> AuditRecord:
    return audit_record(actor=actor, action=AuditRecord.Action.DELETE, target=target, reason=reason)


def audit_transition(*, actor, target: models.Model, from_state: str, to_state: str,
                     reason: str = "", changes: dict | None = None) -> AuditRecord:
    return audit_record(actor=actor, action=AuditRecord.Action.TRANSITION, target=target, changes=changes,
                        from_state=from_state, to_state=to_state, reason=reason)


def audit_sensitive_read(*, actor, target: models.Model, fields) -> AuditRecord:
    return audit_record(actor=actor, action=AuditRecord.Action.READ, target=target,
                        changes={name: "viewed" for name in fields})
