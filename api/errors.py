"""Every error the API gives is JSON with a Chinese `detail` and, for bad input, `errors` by field."""
from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from api.parsers import BodyRefused
from tenants.errors import DomainError
from tenants.http import chinese_json

INVALID_INPUT = "提交的数据有误，请检查标出的字段。"


def _flatten(detail):
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_flatten(item) if isinstance(item, (dict, list)) else str(item) for item in detail]
    return [str(detail)]


def _first_message(errors) -> str:
    for key, value in errors.items():
        value = value[0] if isinstance(value, list) and value else value
        if isinstance(value, dict):
            return _first_message(value)
        label = "" if key == "non_field_errors" else f"{key}："
        return f"{label}{value}"
    return INVALID_INPUT


def validation_response(errors: dict, status_code: int = 400) -> Response:
    return Response({"detail": f"{INVALID_INPUT}（{_first_message(errors)}）", "errors": errors},
                    status=status_code)


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return validation_response(_flatten(errors))
    if isinstance(exc, DomainError):
        body = {"detail": exc.message}
        if exc.field:
            body["errors"] = {exc.field: [exc.message]}
        return Response(body, status=exc.status_code)
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        return validation_response(_flatten(errors))
    if isinstance(exc, IntegrityError):
        return Response({"detail": "数据冲突：该记录已存在或刚被他人修改，请刷新后重试。"}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, RequestDataTooBig):
        return Response({"detail": "请求体太大；上传文件请用 multipart/form-data。"},
                        status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, BodyRefused):
        body = {"detail": str(exc.detail)}
        if exc.errors:
            body["errors"] = exc.errors
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, SuspiciousOperation):
        return Response({"detail": "请求无法处理（字段或文件数量太多，或内容可疑）。"}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, exceptions.ParseError):
        return Response({"detail": "请求体格式有误：应为有效的 JSON（或表单）数据。"}, status=status.HTTP_400_BAD_REQUEST)
    # ObjectDoesNotExist: a record re-read after a step that left it outside this user's view.
    if isinstance(exc, (Http404, exceptions.NotFound, ObjectDoesNotExist)):
        return Response({"detail": "未找到。"}, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.PermissionDenied) and str(exc.detail).startswith("CSRF"):
        # DRF's session check words this in English with Django's reason appended.
        exc = exceptions.PermissionDenied("安全校验失败（CSRF 令牌缺失或不正确）：用会话登录调用接口须带 X-CSRFToken 请求头，"
                                          "或改用令牌认证。")
    return drf_exception_handler(exc, context)


@csrf_exempt
def api_not_found(request, *args, **kwargs):
    """Any unknown path under /api/ answers JSON, never an HTML page."""
    return chinese_json({"detail": "没有这个接口。"}, status=404)
