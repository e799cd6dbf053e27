"""Workflows are the single source of truth for every state.

Every field named status/state has one declared machine (or is declared a value people report);
every state of a machine can be reached; only `StateMachine.apply` writes a state, and it checks,
moves, saves and audits together.
"""
import ast
import datetime
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection

from shared.circulars.services import ITEM_PROGRESS
from tenants.audit.models import AuditRecord
from tenants.errors import DomainError, IllegalTransition, NotAllowed
from tenants.finance.models import LedgerEntry
from tenants.finance.services import LEDGER_FLOW, ledger_record_platform_entry
from tenants.models import School
from tenants.services import SCHOOL_LIFECYCLE
from tenants.workflow import MACHINES, REPORTED_VALUES, STATE_FIELD_NAMES, load_declarations, machine_for
from tests.conftest import in_schema, make_user

ROOT = Path(__file__).resolve().parents[2]
SOURCE_PACKAGES = ["tenants", "shared", "api", "web", "config"]
# The one module allowed to write a state field.
WORKFLOW_MODULE = Path("tenants/workflow.py")
# Writes of a state field outside the machines, each with the declaration that justifies it.
DIRECT_WRITES_ALLOWED = {
    "shared/circulars/services.py:item_report": ITEM_PROGRESS,  # the school reports its own progress
}


def state_fields():
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.name in STATE_FIELD_NAMES:
                yield model, field


def test_every_status_or_state_field_has_a_declared_machine_or_is_a_declared_reported_value():
    load_declarations()
    undeclared = [f"{model._meta.label}.{field.name}" for model, field in state_fields()
                  if (model._meta.label_lower, field.name) not in MACHINES
                  and (model._meta.label_lower, field.name) not in REPORTED_VALUES]
    assert undeclared == [], f"declare a tenants.workflow.StateMachine for: {undeclared}"


def test_each_machine_names_exactly_the_states_its_field_allows_and_every_state_can_be_reached():
    load_declarations()
    for model, field in state_fields():
        machine = MACHINES.get((model._meta.label_lower, field.name))
        if machine is None:
            continue
        assert set(machine.state_labels) == {value for value, _ in field.choices}, machine.name
        reachable = {field.default} | {target for t in machine.transitions.values() for target in t.targets}
        assert reachable == set(machine.state_labels), (
            f"{machine.name}: no transition reaches {set(machine.state_labels) - reachable}")


def test_a_reported_value_says_why_it_is_not_a_workflow():
    load_declarations()
    assert REPORTED_VALUES and all(why.strip() for why in REPORTED_VALUES.values())
    assert not set(REPORTED_VALUES) & set(MACHINES)


def _state_writes(path: Path):
    """(function, line) of every statement in ``path`` that writes a status/state field."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    stateful_models = {model.__name__ for model, _ in state_fields()}
    found = []

    def is_state(name):
        return name in STATE_FIELD_NAMES

    def visit(node, function):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            function = node.name
        hit = False
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for element in (target.elts if isinstance(target, ast.Tuple) else [target]):
                    hit |= isinstance(element, ast.Attribute) and is_state(element.attr)
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            keywords = {k.arg: k.value for k in node.keywords}
            if name in ("update", "create", "update_or_create", "get_or_create") or name in stateful_models:
                hit |= any(is_state(k) for k in keywords)
                for key in ("defaults", "create_defaults"):
                    value = keywords.get(key)
                    if isinstance(value, ast.Dict):
                        hit |= any(isinstance(k, ast.Constant) and is_state(k.value) for k in value.keys)
            if name == "setattr" and len(node.args) >= 2:
                hit |= isinstance(node.args[1], ast.Constant) and is_state(node.args[1].value)
            if name == "bulk_update":
                hit |= any(isinstance(c, ast.Constant) and is_state(c.value) for c in ast.walk(node))
        if hit:
            found.append((function, node.lineno))
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(tree, "<module>")
    return found


def test_no_service_view_admin_page_or_demo_writes_a_state_directly():
    writes = {}
    for package in SOURCE_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts or relative == WORKFLOW_MODULE:
                continue
            for function, line in _state_writes(path):
                writes.setdefault(f"{relative.as_posix()}:{function}", []).append(line)
    unexplained = {where: lines for where, lines in writes.items() if where not in DIRECT_WRITES_ALLOWED}
    assert unexplained == {}, "move states with machine.apply(...), not by writing the field"
    assert set(DIRECT_WRITES_ALLOWED) <= set(writes), "an allowed write no longer exists: drop it from the list"
    assert set(DIRECT_WRITES_ALLOWED.values()) <= set(REPORTED_VALUES)


def test_the_scanner_finds_the_ways_a_state_can_be_written(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def a(x):\n    x.status = 'done'\n"
        "def b(x):\n    x.state, x.note = 'done', ''\n"
        "def c():\n    Proposal.objects.filter(pk=1).update(status='closed')\n"
        "def d():\n    Congress.objects.create(term=1, status='closed')\n"
        "def e(x):\n    setattr(x, 'status', 'closed')\n"
        "def f():\n    Circular(title='t', status='published')\n"
        "def g():\n    ItemReport.objects.update_or_create(item=1, defaults={'status': 'done'})\n"
        "def h():\n    Proposal.objects.filter(status='draft').count()\n"
        "def i():\n    return Response({}, status=201)\n",
        encoding="utf-8")
    assert [function for function, _ in _state_writes(sample)] == list("abcdefg")


# --- apply(): one call checks, moves, saves and audits --------------------------------------------

def test_machines_are_found_by_model_and_field():
    assert machine_for(School) is SCHOOL_LIFECYCLE
    assert machine_for(LedgerEntry) is LEDGER_FLOW


def test_apply_moves_saves_and_writes_who_when_from_to_and_why(province, guilin):
    admin = make_user(province, ["province_admin"])
    connection.set_schema_to_public()
    SCHOOL_LIFECYCLE.apply(guilin, "suspend", by=admin, reason="未按期年检")
    assert School.objects.get(pk=guilin.pk).status == "suspended"
    record = AuditRecord.objects.filter(target_type="tenants.school", target_id=str(guilin.pk),
                                        action="transition").latest("id")
    assert (record.actor_name, record.from_state, record.to_state, record.reason) == (
        admin.username, "active", "suspended", "未按期年检")
    assert record.at is not None


def test_apply_refuses_a_copy_read_before_someone_else_moved_the_record(province, guilin):
    admin = make_user(province, ["province_admin"])
    connection.set_schema_to_public()
    stale = School.objects.get(pk=guilin.pk)
    SCHOOL_LIFECYCLE.apply(guilin, "suspend", by=admin, reason="未按期年检")
    with pytest.raises(IllegalTransition, match="已停用"):
        SCHOOL_LIFECYCLE.apply(stale, "suspend", by=admin, reason="再次停用")
    assert AuditRecord.objects.filter(target_type="tenants.school", target_id=str(guilin.pk),
                                      action="transition").count() == 1


def test_apply_refuses_a_user_without_the_role_and_a_missing_reason_and_changes_nothing(province, guilin):
    reviewer = make_user(province, ["province_reviewer"])
    admin = make_user(province, ["province_admin"])
    connection.set_schema_to_public()
    with pytest.raises(NotAllowed):
        SCHOOL_LIFECYCLE.apply(guilin, "suspend", by=reviewer, reason="未按期年检")
    with pytest.raises(DomainError, match="必须填写原因"):
        SCHOOL_LIFECYCLE.apply(guilin, "suspend", by=admin, reason=" ")
    assert School.objects.get(pk=guilin.pk).status == "active"


def test_the_platform_takes_only_steps_declared_for_it(guilin):
    with in_schema(guilin):
        entry, _ = ledger_record_platform_entry(source_ref="test:1", kind="income", category="higher_subsidy",
                                                amount="100", occurred_on=datetime.date(2026, 5, 1), description="上级补助")
        assert entry.status == "approved"
        record = AuditRecord.objects.get(target_type="finance.ledgerentry", target_id=str(entry.pk),
                                         action="transition")
        assert (record.actor_name, record.from_state, record.to_state) == ("系统", "pending", "approved")
    connection.set_schema_to_public()
    with pytest.raises(NotAllowed, match="系统不能自动执行"):
        SCHOOL_LIFECYCLE.apply(guilin, "suspend", by=None, reason="无人操作")
    assert School.objects.get(pk=guilin.pk).status == "active"
