"""One declared table of states and transitions per workflow.

Services call `machine.check(action, state=..., user=...)` before they move a state; the API
lists `machine.transitions` to expose one POST action per transition; tests read the same table.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from tenants.errors import DomainError, IllegalTransition, NotAllowed


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    reason_required: bool = False


@dataclass
class StateMachine:
    name: str
    state_labels: dict[str, str]
    transitions: dict[str, Transition] = field(default_factory=dict)

    def add(self, action, *, label, sources, target, roles, reason_required=False):
        self.transitions[action] = Transition(
            action=action, label=label, sources=frozenset(sources), target=target,
            roles=frozenset(roles), reason_required=reason_required,
        )
        return self

    def label(self, state: str) -> str:
        return self.state_labels.get(state, state)

    def check(self, action: str, *, state: str, user, reason: str = "") -> Transition:
        transition = self.transitions[action]
        if user is not None and not (set(getattr(user, "roles", ())) & transition.roles):
            raise NotAllowed(f"您没有权限执行“{transition.label}”操作。")
        if state not in transition.sources:
            raise IllegalTransition(
                f"{self.name}当前状态为“{self.label(state)}”，不能执行“{transition.label}”操作。"
            )
        if transition.reason_required and not (reason or "").strip():
            raise DomainError(f"“{transition.label}”必须填写原因。", field="reason")
        return transition

    def allowed_actions(self, *, state: str, user) -> list[str]:
        roles = set(getattr(user, "roles", ()))
        return [a for a, t in self.transitions.items() if state in t.sources and roles & t.roles]
