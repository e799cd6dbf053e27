"""The OpenAPI document, generated once per process for each host kind (issue #14).

drf-spectacular builds the document on every request: 1.2–4 s and ~2.4 MB for a school host,
0.4 s for the provincial one, each time someone opens /api/docs/ or a client generator fetches it.
What it says depends only on the code and the host's URLconf: the same for every school, every user
and an anonymous caller (the serving view is public, SERVE_PUBLIC; tests/api/test_contract.py
compares them). So the first answer per URLconf, API version and language is kept for the life of
the process; a deploy restarts the processes and with them the document. Its rendering is kept too
(per renderer and media type): JSON of the school document takes ~0.12 s to write, YAML ~0.6 s.
"""
from __future__ import annotations

import threading

from django.utils import translation
from drf_spectacular.views import SpectacularAPIView
from django.http import HttpResponse

_documents: dict[tuple, dict] = {}
_rendered: dict[tuple, bytes] = {}
_generating = threading.Lock()


class RememberedSchemaView(SpectacularAPIView):
    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (str(self.urlconf), version, translation.get_language())
        document = _documents.get(key)
        if document is None:
            # one generation at a time: a second caller of a cold process waits for the first
            # instead of doubling the work
            with _generating:
                document = _documents.get(key)
                if document is None:
                    generator = self.generator_class(urlconf=self.urlconf, api_version=version, patterns=self.patterns)
                    document = _documents[key] = generator.get_schema(request=request, public=self.serve_public)
        renderer, media_type = request.accepted_renderer, request.accepted_media_type
        rendered_key = (*key, type(renderer), media_type)
        content = _rendered.get(rendered_key)
        if content is None:
            content = _rendered[rendered_key] = renderer.render(document, media_type, self.get_renderer_context())
        # the Content-Type DRF's Response would give
        content_type = f"{media_type}; charset={renderer.charset}" if renderer.charset else media_type
        return HttpResponse(content, content_type=content_type, headers={
            "Content-Disposition": f'inline; filename="{self._get_filename(request, version)}"'})
