"""The names of a model's own columns, for a list's ``.only()`` (issue #14: a list reads its row's
own columns and, of the joined rows, only what it shows)."""
from __future__ import annotations


def own_columns(model, *, through: str = "") -> list[str]:
    """Every concrete field of ``model`` by name; read across a relation with ``through="batch"`` they
    are ``batch__<name>``."""
    prefix = f"{through}__" if through else ""
    return [f"{prefix}{field.name}" for field in model._meta.concrete_fields]
