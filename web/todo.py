"""One entry of a workbench (工作台): a counter, where the work is done, and a short list."""
from __future__ import annotations

from dataclasses import dataclass, field

#: how many items a counter lists under it
LIST_LENGTH = 5


@dataclass
class Todo:
    key: str
    label: str
    count: int
    url: str = ""
    urgent: bool = False
    items: list = field(default_factory=list)   # [{"text", "url", "when"}]
    #: the items group the counted things (e.g. one line per competition): no "查看全部" from the counts
    grouped: bool = False
