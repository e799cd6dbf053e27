"""Aid given to a member (帮扶记录), for their hardship case: care visits and mutual-aid claims."""
from __future__ import annotations


def aid_given(member) -> list[dict] | None:
    """[{kind, kind_label, id, text, date, amount, url}] newest first; None while the areas that
    record aid (care visits, mutual-aid claims) offer no reading of a member's records."""
    return None
