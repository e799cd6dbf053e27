"""One declared table of states and transitions per workflow, and the only code that moves a state.

A machine is declared once, next to its services, for one (model, field). Services move a record
with `machine.apply(obj, action, by=…)`: it checks the role, the current state and the reason,
sets the field, saves and writes the audit transition record — all in one transaction, with the
row locked, so a state never changes without its record and never from a stale copy.

The API lists `machine.transitions` to expose one POST action per transition; tests read the same
table, and `tests/tenants/test_workflows.py` fails for any `status`/`state` field that has neither
a machine here nor a declaration that it is a reported value.
"""
from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django.db import models, transaction

from tenants.errors import DomainError, IllegalTransition, NotAllowed

STATE_FIELD_NAMES = ("status", "state")

# (app_label.model_name, field) → the machine that owns that field.
MACHINES: dict[tuple[str, str], StateMachine] = {}
# (app_label.model_name, field) → why the field is a value people report, not a workflow.
REPORTED_VALUES: dict[tuple[str, str], str] = {}


def _key(model: type[models.Model], field_name: str) -> tuple[str, str]:
    return model._meta.label_lower, field_name


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    reason_required: bool = False
    # The platform itself (a Celery task, a cascade from another record) may take this step with
    # by=None; a transition not declared system is never taken without a user holding one of `roles`.
    system: bool = False
    # Other states the step may end in, chosen by the service from the record (e.g. a rating of
    # 不满意 sends a proposal back to 已交办 instead of 已评价). Declared here so they stay visible.
    other_targets: frozenset[str] = frozenset()

    @property
    def targets(self) -> frozenset[str]:
        return self.other_targets | {self.target}


@dataclass
class StateMachine:
    name: str
    state_labels: dict[str, str]
    transitions: dict[str, Transition] = dataclass_field(default_factory=dict)
    model: type[models.Model] | None = None
    field: str = "status"

    def __post_init__(self):
        if self.model is not None:
            key = _key(self.model, self.field)
            if key in MACHINES and MACHINES[key] is not self:
                raise RuntimeError(f"{key} already has the machine {MACHINES[key].name!r}: one machine per field.")
            MACHINES[key] = self

    @classmethod
    def for_field(cls, name: str, model: type[models.Model], field_name: str = "status") -> StateMachine:
        """A machine for ``model.field_name``, its state labels taken from the field's choices."""
        labels = dict(model._meta.get_field(field_name).choices)
        return cls(name, labels, model=model, field=field_name)

    def add(self, action, *, label, sources, target, roles=(), reason_required=False, system=False,
            other_targets=()):
        unknown = ({*sources, target, *other_targets} - set(self.state_labels))
        if unknown:
            raise ValueError(f"{self.name}: {action} names states that do not exist: {sorted(unknown)}")
        if not roles and not system:
            raise ValueError(f"{self.name}: {action} can be taken by nobody (no roles and not system).")
        self.transitions[action] = Transition(
            action=action, label=label, sources=frozenset(sources), target=target,
            roles=frozenset(roles), reason_required=reason_required, system=system,
            other_targets=frozenset(other_targets),
        )
        return self

    def label(self, state: str) -> str:
        return self.state_labels.get(state, state)

    def check(self, action: str, *, state: str, user, reason: str = "") -> Transition:
        """May ``user`` (None: the platform itself) take ``action`` from ``state``? The transition, or an error."""
        transition = self.transitions[action]
        # A person learns nothing about the record's state from a step they may not take; the
        # platform (user None) is told the state first, since a stale copy is its likely mistake.
        if user is not None and not (set(getattr(user, "roles", ())) & transition.roles):
            raise NotAllowed(f"您没有权限执行“{transition.label}”操作。")
        if state not in transition.sources:
            raise IllegalTransition(
                f"{self.name}当前状态为“{self.label(state)}”，不能执行“{transition.label}”操作。"
            )
        if user is None and not transition.system:
            raise NotAllowed(f"“{transition.label}”须由有权限的用户执行，系统不能自动执行。")
        if transition.reason_required and not (reason or "").strip():
            raise DomainError(f"“{transition.label}”必须填写原因。", field="reason")
        return transition

    def apply(self, obj: models.Model, action: str, *, by, reason: str = "", to: str | None = None,
              extra_update_fields=(), audit_changes: dict | None = None) -> Transition:
        """Check, move, save and audit ``obj`` in one transaction; returns the transition taken.

        ``by`` is the user taking the step, or None for the platform (only `system` transitions).
        ``to`` picks one of the transition's declared other targets. ``extra_update_fields`` are
        saved with the state (the service set them on ``obj`` first); ``audit_changes`` go into the
        same audit record. The row is locked and its stored state is the one checked, so a copy
        read before someone else moved it is refused with the state it really has.
        """
        from tenants.audit.services import audit_transition

        if self.model is not None and not isinstance(obj, self.model):
            raise TypeError(f"{self.name} moves {self.model.__name__} records, not {type(obj).__name__}.")
        with transaction.atomic():
            stored = (type(obj)._base_manager.select_for_update().filter(pk=obj.pk)
                      .values_list(self.field, flat=True).get())
            transition = self.check(action, state=stored, user=by, reason=reason)
            target = transition.target if to is None else to
            if target not in transition.targets:
                raise ValueError(f"{self.name}: {action} cannot end in {target!r}.")
            setattr(obj, self.field, target)
            obj.save(update_fields=[self.field, *extra_update_fields])
            audit_transition(actor=by, target=obj, from_state=stored, to_state=target, reason=reason,
                             changes=audit_changes)
        return transition

    def allowed_actions(self, *, state: str, user) -> list[str]:
        roles = set(getattr(user, "roles", ()))
        return [a for a, t in self.transitions.items() if state in t.sources and roles & t.roles]


def reported_value(model: type[models.Model], field_name: str, *, why: str) -> tuple[str, str]:
    """Declare that ``model.field_name`` is a value someone reports (any value may follow any
    other, nothing depends on the order), so it has no machine; the workflow test accepts it."""
    key = _key(model, field_name)
    REPORTED_VALUES[key] = why
    return key


def load_declarations() -> None:
    """Import every app's services (and congress's workflow module), where machines are declared."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("workflow", "services")


def machine_for(model: type[models.Model], field_name: str = "status") -> StateMachine | None:
    load_declarations()
    return MACHINES.get(_key(model, field_name))
