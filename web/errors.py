"""One error contract for everything Django answers outside DRF.

Under /api/ (and /healthz) an error is JSON `{"detail": "<中文>", "errors": {...}}` like every DRF
error; anywhere else it is a Chinese page with a way back home. Both URLconfs name these handlers,
CSRF_FAILURE_VIEW names csrf_failure, and ErrorContractMiddleware catches the answers Django
builds without a handler (405 from require_POST, bare HttpResponseBadRequest...).
"""
from __future__ import annotations

import logging
import sys

from django.core.exceptions import DisallowedHost, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponse
from django.template import loader
from django.utils.html import escape

from tenants.health import RETRY_AFTER_SECONDS, health_response
from tenants.http import chinese_json

logger = logging.getLogger("eduunion.errors")

TITLES = {
    400: "请求有误", 401: "需要登录", 403: "没有权限", 404: "页面不存在", 405: "不支持该请求方式",
    409: "操作冲突", 413: "提交的内容太大", 429: "操作太频繁", 500: "服务器出错了", 503: "服务暂不可用",
}
DETAILS = {
    400: "请求无法处理，请检查后重试。",
    401: "请先登录。",
    403: "您没有执行该操作的权限。",
    404: "您要找的页面不存在，或您无权查看。",
    405: "不支持该请求方式。",
    409: "操作与当前状态冲突，请刷新后重试。",
    413: "提交的内容太大。上传文件不能超过 20 MB，名册不能超过 10 MB。",
    429: "操作太频繁，请稍后再试。",
    500: "服务器内部出错，请稍后重试；问题已记录，我们会尽快处理。",
    503: "服务暂时不可用，请稍后重试。",
}
API_NOT_FOUND = "没有这个接口。"
DATABASE_UNAVAILABLE = "数据库暂时不可用（可能正在重启或维护），请稍后重试。"


def wants_json(request) -> bool:
    return request.path.startswith(("/api/", "/healthz"))


def error_response(request, status: int, detail: str | None = None, errors: dict | None = None,
                   *, with_context: bool = True) -> HttpResponse:
    detail = detail or DETAILS.get(status) or DETAILS[500 if status >= 500 else 400]
    if wants_json(request):
        body = {"detail": detail}
        if errors:
            body["errors"] = errors
        return chinese_json(body, status=status)
    title = TITLES.get(status) or TITLES[500 if status >= 500 else 400]
    context = {"status": status, "title": title, "detail": detail}
    content = None
    # In the site's layout when the request allows (navigation, the school's name); a request
    # that broke the context processors (the database is down) gets the page without them, and
    # if even the template fails, a bare page: the 500 page must not fail the way the request did.
    for with_request in ((request, None) if with_context else (None,)):
        try:
            content = loader.render_to_string("web/error.html", context, request=with_request)
            break
        except Exception:
            logger.exception("error page could not be rendered")
    if content is None:
        content = (f"<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>{title}</title>"
                   f"<h1>{escape(title)}</h1><p>{escape(detail)}</p><p><a href=\"/\">返回首页</a></p></html>")
    return HttpResponse(content, status=status, content_type="text/html; charset=utf-8")


def unknown_host(request, *args, **kwargs):
    """An unknown host (or one outside ALLOWED_HOSTS) is not the provincial site: it answers 404."""
    return error_response(request, 404, "未找到该站点。")


def bad_request(request, exception=None, *args, **kwargs):
    if isinstance(exception, RequestDataTooBig):
        return error_response(request, 413, "请求体太大；上传文件请用 multipart/form-data，且不超过 20 MB。")
    if isinstance(exception, (TooManyFieldsSent, TooManyFilesSent)):
        return error_response(request, 400, "提交的字段或文件数量太多。")
    if isinstance(exception, DisallowedHost):
        return error_response(request, 400, "不接受该主机名（Host）。")
    return error_response(request, 400)


def permission_denied(request, exception=None, *args, **kwargs):
    return error_response(request, 403)


def page_not_found(request, exception=None, *args, **kwargs):
    return error_response(request, 404, API_NOT_FOUND if wants_json(request) else None)


# SQLSTATEs of "the server is away or will not take us now": a connection exception (class 08),
# an administrator's or a crash's shutdown, a server still starting (57P01/57P02/57P03), no
# connection slot left (53300). Other OperationalErrors (disk full, out of memory, a lock not
# available, a statement too complex…) come from a live server: a 500 with its traceback.
_AWAY_SQLSTATES = {"57P01", "57P02", "57P03", "53300"}


def database_unavailable(exc: BaseException | None) -> bool:
    """Is ``exc`` the database being away (a lost or refused connection), as opposed to a query
    that failed on a live server? Django wraps psycopg2's errors and keeps the original as the
    cause: an InterfaceError (the connection already closed) is away; an OperationalError is away
    when it has no SQLSTATE (libpq's own: the connection lost or refused) or one of the above."""
    from django.db import InterfaceError, OperationalError

    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    original = exc.__cause__ or exc
    code = getattr(original, "pgcode", None) or _sqlstate_of_class(type(original))
    if code is None:
        return True
    return code.startswith("08") or code in _AWAY_SQLSTATES


def _sqlstate_of_class(cls: type) -> str | None:
    """The SQLSTATE psycopg2 maps to its error class ``cls`` (an error raised with a code always
    carries it as pgcode; this is for one made without, by the class alone)."""
    try:
        from psycopg2._psycopg import sqlstate_errors
    except ImportError:  # pragma: no cover - psycopg2 internals
        return None
    return next((code for code, mapped in sqlstate_errors.items() if mapped is cls), None)


def database_unavailable_response(request, exc: BaseException) -> HttpResponse:
    """503 in Chinese with Retry-After. The log line names the error's type and the path only:
    the message of a failed query could quote its parameters (personal data)."""
    logger.warning("database unavailable (%s) during %s %s", type(exc).__name__, request.method, request.path)
    if request.path.startswith("/healthz"):
        # The health check's own answer (broker included), for a failure before its view ran (the
        # host lookup), so a monitor reads an outage the same way whichever step met it first.
        response = health_response(database=f"error: {type(exc).__name__}")
    else:
        # Without the request's context: its processors would query the database again.
        response = error_response(request, 503, DATABASE_UNAVAILABLE, with_context=False)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # Django logs every answer of handler500 at ERROR with the exception's traceback, whose
    # message may quote a query's parameters; the warning above is this outage's one line.
    response._has_been_logged = True
    return response


def server_error(request, *args, **kwargs):
    # Django calls handler500 inside its `except` block, so the exception is still at hand. Every
    # uncaught exception of a page, an API view (DRF re-raises what api/errors.py leaves) or a
    # middleware (the host lookup) ends here: the one place a lost database becomes a 503.
    exc = sys.exc_info()[1]
    if database_unavailable(exc):
        return database_unavailable_response(request, exc)
    return error_response(request, 500)


def csrf_failure(request, reason: str = "", template_name=None):
    return error_response(request, 403, "安全校验失败（CSRF 令牌缺失或不正确），请刷新页面后重试。")
