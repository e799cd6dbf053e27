"""The OpenAPI schema documents the error answers too, so a generated client knows them.

Every operation gets `ErrorResponse` ({detail, errors}) for the answers it can give:
400 always (bad input, or a request refused at the edge: NUL in the query, a bad header),
401/403 when the view requires a login, 404 when the path names a record, 409 on writes (an
illegal transition, a duplicate, a concurrent change), 413 when it takes a body.
An answer the view documents itself keeps its own body; one documented without a body gets this one.
"""
from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from api.fields import NoControlCharacters
from api.serializers import Serializer

ERROR_DESCRIPTIONS = {
    "400": "请求有误：字段校验未通过（errors 按字段列出原因）或请求本身无法处理",
    "401": "未登录，或令牌无效、已撤销，或 API 密钥无效、已过期、已撤销",
    "403": "没有执行该操作的权限",
    "404": "未找到，或不属于您能看到的范围（列表：页码超出范围）",
    "409": "与当前状态冲突：不允许的流程步骤、重复记录或并发修改",
    "413": "请求体太大",
    "415": "请求体的格式（Content-Type）不受支持，或 multipart 数据残缺",
    "429": "请求过于频繁：超过该 API 密钥每分钟的请求上限（Retry-After 头给出等待的秒数）",
}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class ErrorResponseSerializer(Serializer):
    """错误答复：detail 为中文说明；字段有误时 errors 按字段列出原因"""

    detail = serializers.CharField(label="说明")
    errors = serializers.DictField(label="按字段列出的错误", child=serializers.JSONField(), required=False)


class AutoSchema(SpectacularAutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        own = self._error_codes()
        documented = [code for code in responses if code[0] in "45" and code not in own]
        for code in own + documented:
            existing = responses.get(code)
            if existing is None:
                responses[code] = self._get_response_for_code(ErrorResponseSerializer, code, direction=direction)
                responses[code]["description"] = ERROR_DESCRIPTIONS[code]
            elif not existing.get("content"):
                described = existing.get("description")
                existing.update(self._get_response_for_code(ErrorResponseSerializer, code, direction=direction))
                existing["description"] = described or ERROR_DESCRIPTIONS.get(code, "")
        return dict(sorted(responses.items()))

    def _error_codes(self) -> list[str]:
        codes = ["400"]
        if self._requires_login():
            codes += ["401", "403", "429"]  # 429: a request with an API key over its per-minute limit
        if "{" in self.path or self._is_paginated():
            codes.append("404")
        if self.method in WRITE_METHODS:
            codes.append("409")
        if self.method in {"POST", "PUT", "PATCH"}:
            codes += ["413", "415"]
        return codes

    def _resolve_path_parameters(self, variables):
        # A record id in the path is matched by a digits-only regex, which drf-spectacular documents
        # as a string with a pattern; it is the integer the bodies call `id`, and a generated client
        # should take it as one (openapi-python-client made it `id: str`).
        parameters = super()._resolve_path_parameters(variables)
        for parameter in parameters:
            if parameter["schema"] in ({"type": "string", "pattern": "^[0-9]+$"},
                                       {"type": "string", "pattern": r"^\d+$"}):
                parameter["schema"] = {"type": "integer", "format": "int64", "minimum": 0, "maximum": 2**63 - 1}
        return parameters

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        # The text rule of api/fields.py, stated so a client (and the fuzzer) knows it.
        rule = next((v for v in getattr(field, "validators", ()) if isinstance(v, NoControlCharacters)), None)
        if rule is not None and direction == "request" and schema.get("type") == "string" and "pattern" not in schema:
            schema["pattern"] = rule.pattern
        return schema

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        # Fields a serializer leaves out of some answers (scores before results are published)
        # are documented but not required; a client must not count on them.
        conditional = set(getattr(serializer, "conditional_fields", ()))
        if conditional and "required" in schema:
            schema["required"] = [name for name in schema["required"] if name not in conditional]
            if not schema["required"]:
                del schema["required"]
        return schema

    def _is_paginated(self) -> bool:
        # A page number past the last page is DRF's 404 (页码无效).
        return self.method == "GET" and self._is_list_view() and self._get_paginator() is not None

    def _requires_login(self) -> bool:
        try:
            permissions = self.view.get_permissions()
        except Exception:  # a view whose permissions depend on the request: assume it checks
            return True
        return not all(isinstance(permission, AllowAny) for permission in permissions)
