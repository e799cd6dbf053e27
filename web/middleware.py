"""The edge of every request, before tenancy, sessions or views see it.

PostgreSQL text cannot hold NUL and psycopg refuses it with an exception, so a NUL that reaches a
query is a 500. Whatever a client puts in the path, query, headers or cookies is checked here once,
for both hosts and every page, API and admin view.
"""
from __future__ import annotations

import re

from django.conf import settings

from tenants.text import ascii_int
from web.errors import DETAILS, error_response, wants_json

# Tab is legal inside header values (RFC 9110 field-value); every other control character is not.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
ILLEGAL_CHARACTERS = "请求中含有非法字符（空字符或控制字符）。"


class RequestHygieneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = ascii_int(request.META.get("CONTENT_LENGTH") or "0", max_digits=18)
        if length is None:
            return error_response(request, 400, "请求头 Content-Length 不正确。")
        if length > settings.MAX_REQUEST_BYTES:
            return error_response(request, 413)
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in query or "\x00" in query:
            return error_response(request, 400, ILLEGAL_CHARACTERS)
        for name, value in request.META.items():
            if name.startswith("HTTP_") and name != "HTTP_COOKIE" and isinstance(value, str) and _CONTROL.search(value):
                return error_response(request, 400, "请求头含有非法字符（空字符或控制字符）。")
        # A cookie we cannot use is a cookie the client does not have: a mangled session cookie
        # must leave the visitor logged out, not break every page of the host.
        cookies = request.COOKIES
        clean = {key: value for key, value in cookies.items()
                 if not _CONTROL.search(key) and not _CONTROL.search(value)}
        if len(clean) != len(cookies):
            request.COOKIES = clean
        if (request.content_type == "application/x-www-form-urlencoded"
                and int(length) <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE and b"%00" in request.body):
            return error_response(request, 400, ILLEGAL_CHARACTERS)
        return self.get_response(request)


class ErrorContractMiddleware:
    """Error answers built without a handler (an empty 405, DRF's browsable HTML) get the contract."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code < 400 or response.streaming:
            return response
        if wants_json(request):
            if not response.get("Content-Type", "").startswith("application/json"):
                return self._replace(request, response)
        elif not response.content and request.method != "HEAD":
            return self._replace(request, response)
        return response

    @staticmethod
    def _replace(request, response):
        status = response.status_code
        replacement = error_response(request, status, DETAILS.get(status))
        for header in ("Allow", "WWW-Authenticate", "Retry-After"):
            if header in response:
                replacement[header] = response[header]
        return replacement
