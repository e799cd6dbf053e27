"""Labels for the congress pages' history lists (`{% load congress %}`)."""
from django import template

from tenants.congress.models import Congress, Proposal, Suggestion

register = template.Library()

STATES = {"congress.congress": Congress.Status, "congress.proposal": Proposal.Status,
          "congress.suggestion": Suggestion.Status}


@register.filter
def state_label(record, which: str) -> str:
    """The Chinese name of an audit record's from/to state ("from" or "to")."""
    value = record.from_state if which == "from" else record.to_state
    if not value:
        return "—"
    choices = STATES.get(record.target_type)
    try:
        return choices(value).label if choices else value
    except ValueError:
        return value
