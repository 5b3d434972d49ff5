"""Who is acting: the request that simple-history's middleware keeps for this thread."""

from simple_history.models import HistoricalRecords

from cms.security import client_ip


def client_address() -> str | None:
    """The acting client's address (``cms.security.client_ip``: only as far as the configured
    proxy hops are trusted, and only a valid IP address), or ``None`` outside a request."""
    return client_ip(getattr(HistoricalRecords.context, "request", None))
