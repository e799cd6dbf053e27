"""The JSON every API request body goes through.

Python's json module recurses per nesting level: a body of a thousand `[` is a RecursionError
(a 500) before any serializer runs. No request we take nests deeper than a few levels, so a
body is refused past MAX_DEPTH. Strings PostgreSQL cannot store (NUL, lone surrogates from
`\\ud800`) are refused here too, wherever they sit in the document, JSON fields included.
"""
from __future__ import annotations

import json

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from tenants.text import unstorable

MAX_DEPTH = 32


class BodyRefused(ParseError):
    """A body we read and refuse; its message (Chinese) is the answer's detail."""

    def __init__(self, detail, field: str | None = None):
        super().__init__(detail)
        self.errors = {field: [str(detail)]} if field else None


ILLEGAL = "含有非法字符（空字符或不成对的代理字符）。"


def check_document(document) -> None:
    """Walks the parsed document without recursion (its depth is what we are checking)."""
    stack = [(document, 1, "")]
    while stack:
        value, depth, path = stack.pop()
        if isinstance(value, (dict, list)):
            if depth > MAX_DEPTH:
                raise BodyRefused(f"JSON 嵌套层数太多（最多 {MAX_DEPTH} 层）。")
            if isinstance(value, dict):
                for key, item in value.items():
                    if unstorable(key):
                        raise BodyRefused(f"JSON 的字段名{ILLEGAL}")
                    stack.append((item, depth + 1, f"{path}.{key}" if path else key))
            else:
                stack.extend((item, depth + 1, f"{path}[{index}]") for index, item in enumerate(value))
        elif isinstance(value, str) and unstorable(value):
            field = path or "non_field_errors"
            raise BodyRefused(f"{field}：{ILLEGAL}", field=field)


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise RequestDataTooBig("JSON body over DATA_UPLOAD_MAX_MEMORY_SIZE")
        try:
            text = raw.decode(encoding)
            document = json.loads(text, parse_constant=_refuse_constant)
        except RecursionError:
            raise BodyRefused(f"JSON 嵌套层数太多（最多 {MAX_DEPTH} 层）。") from None
        except UnicodeDecodeError:
            raise BodyRefused(f"请求体格式有误：不是 {encoding} 编码的 JSON 数据。") from None
        except json.JSONDecodeError as exc:
            raise BodyRefused(f"请求体格式有误：应为有效的 JSON 数据（第 {exc.lineno} 行第 {exc.colno} 列）。") from None
        except ValueError:
            raise BodyRefused("请求体格式有误：应为有效的 JSON 数据（不支持 NaN、Infinity）。") from None
        check_document(document)
        return document


def _refuse_constant(name):
    # NaN and Infinity are not JSON; DRF's strict mode refuses them the same way.
    raise ValueError(f"不支持 {name}")
