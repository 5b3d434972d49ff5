"""Who is acting: the request that simple-history's middleware keeps for this thread."""

from simple_history.models import HistoricalRecords


def client_address() -> str | None:
    request = getattr(HistoricalRecords.context, "request", None)
    if request is None:
        return None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    address = forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR")
    return address or None
