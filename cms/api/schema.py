def only_our_api(endpoints):
    """Keep Wagtail's own API (``/api/v2/``) and admin views out of our OpenAPI schema."""
    return [e for e in endpoints if e[0].startswith("/api/v1/")]
