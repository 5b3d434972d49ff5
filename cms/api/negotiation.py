"""``?format=`` on an API endpoint names one of its renderers; anything else is a Chinese 400
(DRF answers an English-derived 404)."""

from rest_framework.negotiation import DefaultContentNegotiation

from cms.errors import InvalidInput


class StrictContentNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        format_query = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        if format_query:
            formats = [r.format for r in renderers]
            if format_query not in formats:
                raise InvalidInput(fields={"format": f"格式只能是 {'、'.join(formats)} 之一"})
        return super().select_renderer(request, renderers, format_suffix)
