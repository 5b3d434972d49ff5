"""Reads of the hazard loop: querysets for listings and the merged history of one hazard."""

from __future__ import annotations

from django.db.models import QuerySet

from cms.audit.registry import entries

from .models import Hazard, HazardEvidence, HazardPhoto, HazardPlan
from .models_orders import Order


def hazards_for_api(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("sector", "target", "jurisdiction", "responsible_department", "responsible_jurisdiction")


def hazard_history(hazard: Hazard) -> list[dict]:
    """Every change of the hazard, its plans, evidence, photos and the 三单 about it, newest first."""
    order_ids = list(Order.hazards.through.objects.filter(hazard_id=hazard.pk).values_list("order_id", flat=True))
    records = [
        *Hazard.history.filter(id=hazard.pk).select_related("history_user"),
        *HazardPlan.history.filter(hazard_id=hazard.pk).select_related("history_user"),
        *HazardEvidence.history.filter(hazard_id=hazard.pk).select_related("history_user"),
        *HazardPhoto.history.filter(hazard_id=hazard.pk).select_related("history_user"),
        *Order.history.filter(id__in=order_ids).select_related("history_user"),
    ]
    records.sort(key=lambda r: (r.history_date, r.history_id), reverse=True)
    return entries(records)
