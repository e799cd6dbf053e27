from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation


class JsonWhateverTheClientAccepts(DefaultContentNegotiation):
    """The API answers JSON even to a browser asking for HTML: a 406 helps nobody, and DRF's
    browsable pages (English, untested) are switched off in favour of /api/docs/."""

    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except NotAcceptable:
            return renderers[0], renderers[0].media_type
