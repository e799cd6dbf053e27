"""The OpenAPI document, generated once per process for each host kind (issue #14).

drf-spectacular builds the document on every request: 1.2–4 s and ~2.4 MB for a school host,
0.4 s for the provincial one, each time someone opens /api/docs/ or a client generator fetches it.
What it says depends only on the code and the host's URLconf: the same for every school, every user
and an anonymous caller (the serving view is public, SERVE_PUBLIC; tests/api/test_contract.py
compares them), and it is generated without the caller's request. So the document in the site's
language, unversioned, is kept per URLconf for the life of the process (a deploy restarts the
processes and with them the document), and its rendering per renderer: JSON of the school document
takes ~0.12 s to write, YAML ~0.6 s.

Only that: a `?lang=` other than the site's language, a `?version=`, or an Accept header with
parameters (`; indent=4`) is answered as drf-spectacular answers it, generated and rendered for
that request — a process must not keep one 2.4 MB document per value an anonymous caller makes up.
"""
from __future__ import annotations

import threading

from django.conf import settings
from django.http import HttpResponse
from django.utils import translation
from drf_spectacular.views import SpectacularAPIView

_documents: dict[str, dict] = {}
_rendered: dict[tuple, bytes] = {}
_generating = threading.Lock()


class RememberedSchemaView(SpectacularAPIView):
    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        renderer, media_type = request.accepted_renderer, request.accepted_media_type
        if version is not None or translation.get_language() != settings.LANGUAGE_CODE:
            return super()._get_schema_response(request)
        urlconf = str(self.urlconf)
        document = _documents.get(urlconf)
        if document is None:
            # one generation at a time: a second caller of a cold process waits for the first
            # instead of doubling the work
            with _generating:
                document = _documents.get(urlconf)
                if document is None:
                    generator = self.generator_class(urlconf=self.urlconf, api_version=None, patterns=self.patterns)
                    document = _documents[urlconf] = generator.get_schema(request=None, public=self.serve_public)
        rendered_key = (urlconf, type(renderer))
        content = _rendered.get(rendered_key) if media_type == renderer.media_type else None
        if content is None:
            content = renderer.render(document, media_type, self.get_renderer_context())
            if media_type == renderer.media_type:
                _rendered[rendered_key] = content
        # the Content-Type DRF's Response gives: the renderer's media type, not the Accept header's
        content_type = f"{renderer.media_type}; charset={renderer.charset}" if renderer.charset else renderer.media_type
        return HttpResponse(content, content_type=content_type, headers={
            "Content-Disposition": f'inline; filename="{self._get_filename(request, version)}"'})
