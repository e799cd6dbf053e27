"""Toasts for HTMX requests.

A full page shows Django messages in the layout's toast area. A partial (HTMX) answer has no
layout, so the messages would wait for the next full page and appear out of context. This
middleware hands them to the browser with the answer, as an HX-Trigger event `messages`
(`[{"level": "success", "text": "…"}]`) that web/static/web/ui.js turns into toasts.
"""
from __future__ import annotations

import json

from django.contrib.messages import get_messages


class HtmxMessagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        htmx = getattr(request, "htmx", None)
        # A redirect is followed by HTMX, and the page it lands on collects the messages itself.
        if not htmx or 300 <= response.status_code < 400 or "HX-Redirect" in response:
            return response
        toasts = [{"level": m.level_tag or "info", "text": str(m)} for m in get_messages(request)]
        if toasts:
            triggers = _existing_triggers(response.get("HX-Trigger"))
            triggers["messages"] = toasts
            response["HX-Trigger"] = json.dumps(triggers, ensure_ascii=True)
        return response


def _existing_triggers(value: str | None) -> dict:
    if not value:
        return {}
    try:
        parsed = json.loads(value)
    except ValueError:
        return {name.strip(): None for name in value.split(",") if name.strip()}
    return parsed if isinstance(parsed, dict) else {}
