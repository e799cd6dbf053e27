"""Aid given to a member (帮扶记录), for their hardship case: care visits and mutual-aid claims."""
from __future__ import annotations


def aid_given(member) -> list[dict]:
    """[{kind, id, text, date, amount}] newest first."""
    return []
