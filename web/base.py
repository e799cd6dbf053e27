"""The one base of every page: `SchoolPage` on school hosts, `ProvincePage` on the provincial host.

It mirrors api/base.py for the second HTTP layer. A page class states where it lives and who may
open it; the base decides, before the page's own code runs:

- the host: a school page reached on the provincial host (or the reverse) answers 404, as if it
  did not exist;
- the login: an anonymous visitor is sent to /login/?next=…;
- the role: `roles = {Role.UNION_ADMIN, …}` (any one of them suffices; empty: every signed-in
  user of the host) — otherwise a Chinese 403 page.

Http404 and PermissionDenied raised by a page (e.g. a record this user may not see) are answered
with the Chinese error page inside the site's layout, so the navigation stays.

Changes go through `call_service`: it runs the same service the API calls and turns what the
domain refuses into something a person can act on — a field error beside the field of the form
(ValidationError / DomainError with `.field`), or a message at the top. An IllegalTransition
(409 in the API) means someone else acted first: the page says so.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import render
from django.views import View
from django.views.generic.base import ContextMixin, TemplateResponseMixin
from django_tenants.utils import get_public_schema_name

from tenants.accounts.roles import PROVINCE_ROLES, Role
from tenants.errors import DomainError, IllegalTransition

#: the union office: the role most pages of a school host are for
OFFICE = frozenset({Role.UNION_ADMIN})

NOT_FOUND = "您要找的页面不存在，或您无权查看。"
FORBIDDEN = "您没有执行该操作的权限。"
SOMEONE_ELSE_FIRST = "其他人已先处理了这条记录，页面显示的是它现在的状态。"
ALREADY_SUBMITTED = "这张表单刚才已经提交过，没有重复保存。"
SUBMISSION_MEMORY_SECONDS = 6 * 3600


def error_page(request, status: int, detail: str = ""):
    """The Chinese error page inside the site layout (the project's handlers use the same template)."""
    titles = {403: "没有权限", 404: "页面不存在", 405: "不支持该请求方式", 409: "操作冲突"}
    detail = detail or {403: FORBIDDEN, 404: NOT_FOUND}.get(status, "")
    return render(request, "web/error.html", {"status": status, "title": titles.get(status, "出错了"),
                                              "detail": detail}, status=status)


def _on_province(request) -> bool:
    tenant = getattr(request, "tenant", None)
    return tenant is not None and tenant.schema_name == get_public_schema_name()


class HostPage(ContextMixin, TemplateResponseMixin, View):
    """What both page bases share. Subclass `SchoolPage` or `ProvincePage`, never this."""

    #: any one of these roles may open the page; empty: every signed-in user of this host
    roles: frozenset[str] | set[str] = frozenset()
    #: why an anonymous visitor may open this page (e.g. signing in); empty: login required
    open_to_anyone: str = ""
    #: the page title (the <title> and the <h1> of the layout's page header)
    title: str = ""

    def host_matches(self, request) -> bool:
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if not self.host_matches(request):
            return error_page(request, 404)
        if not self.open_to_anyone:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if self.roles and not request.user.has_role(*self.roles):
                return error_page(request, 403)
        try:
            return super().dispatch(request, *args, **kwargs)
        except Http404:
            return error_page(request, 404)
        except PermissionDenied as exc:
            return error_page(request, 403, str(exc) if exc.args else "")

    def http_method_not_allowed(self, request, *args, **kwargs):
        response = error_page(request, 405, "不支持该请求方式。")
        response["Allow"] = ", ".join(m.upper() for m in self._allowed_methods())
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("page_title", self.title)
        return context

    def render_page(self, **context):
        return self.render_to_response(self.get_context_data(**context))

    def call_service(self, fn: Callable[[], Any], *, form=None, success: str = "") -> "Outcome":
        return call_service(self.request, fn, form=form, success=success)


class SchoolPage(HostPage):
    """Base of every page on a school's host (the school's own schema)."""

    def host_matches(self, request) -> bool:
        return getattr(request, "tenant", None) is not None and not _on_province(request)


class ProvincePage(HostPage):
    """Base of every page on the provincial host. Only province roles get past it by default."""

    roles = PROVINCE_ROLES

    def host_matches(self, request) -> bool:
        return _on_province(request)


def posted_id(request, name: str) -> int:
    """The id a form posted under `name`; 0 (which no row has) for anything not a whole number,
    so a tampered field finds nothing — a 404 — instead of an error from the database."""
    value = request.POST.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else 0


@dataclass
class Outcome:
    ok: bool
    value: Any = None

    def __bool__(self):
        return self.ok


def call_service(request, fn: Callable[[], Any], *, form=None, success: str = "") -> Outcome:
    """Run one service call; on refusal put the domain's Chinese reasons where a person looks.

    With a `form`, a reason that names a field of the form goes beside that field (and the form
    keeps what was typed); any other reason goes to the form's top. Without one, reasons become
    error messages (toasts). An IllegalTransition is also explained as someone else having acted
    first, because the page the person saw is out of date.
    """
    once_key = _claim_submission(request, form)
    if once_key is False:
        messages.info(request, ALREADY_SUBMITTED)
        return Outcome(False)
    try:
        value = fn()
    except (ValidationError, DomainError) as exc:
        if once_key:
            cache.delete(once_key)  # refused: the corrected form may be sent again with its token
        if isinstance(exc, ValidationError):
            for field, errors in _by_field(exc).items():
                _report(request, form, field, "；".join(errors))
        else:
            # A step the record's state no longer allows means the page was out of date; a plain
            # conflict (a 工号 already taken) is explained by the field error alone.
            if isinstance(exc, IllegalTransition):
                messages.warning(request, SOMEONE_ELSE_FIRST)
            _report(request, form, exc.field, exc.message)
        return Outcome(False)
    if success:
        messages.success(request, success)
    return Outcome(True, value)


def _claim_submission(request, form):
    """The cache key now holding this form's submission token (web/templatetags/ui.py
    submission_token); False when it was already used; None for a post without one. cache.add is
    atomic, so two simultaneous posts cannot both win."""
    token = request.POST.get("submission", "") if form is not None and request.method == "POST" else ""
    if not token or len(token) > 64:
        return None
    key = f"page-form-submitted:{token}"
    return key if cache.add(key, True, timeout=SUBMISSION_MEMORY_SECONDS) else False


def _by_field(exc: ValidationError) -> dict[str | None, list[str]]:
    if hasattr(exc, "error_dict"):
        return {None if field == NON_FIELD_ERRORS else field: list(errors)
                for field, errors in exc.message_dict.items()}
    return {None: exc.messages}


def _report(request, form, field: str | None, message: str) -> None:
    if form is not None:
        form.add_error(field if field in form.fields else None, message)
    else:
        messages.error(request, message)
