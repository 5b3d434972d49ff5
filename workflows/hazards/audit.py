"""Tell the audit view (``cms.audit``) how to read the history of hazards, plans, evidence and 三单."""

from __future__ import annotations

from django.db.models import Q

from cms.audit.registry import HAZARD_RESOLVERS, AuditSource, register


def register_audit_sources() -> None:
    from .models import Hazard, HazardAction, HazardEvidence
    from .models_orders import Order, OrderAction

    def hazard_ids_of(department=None, jurisdiction=None):
        q = Q(responsible_department_id=department) if department else Q(jurisdiction_id=jurisdiction) | Q(responsible_jurisdiction_id=jurisdiction)
        return Hazard.objects.filter(q).values("pk")

    def by_hazard_unit(field):
        return {
            "filter_department": lambda qs, pk: qs.filter(**{f"{field}__in": hazard_ids_of(department=pk)}),
            "filter_jurisdiction": lambda qs, pk: qs.filter(**{f"{field}__in": hazard_ids_of(jurisdiction=pk)}),
        }

    def resolve(text: str) -> int | None:
        text = (text or "").strip()
        if text.isdigit():
            return int(text)
        return Hazard.objects.filter(code__iexact=text).values_list("pk", flat=True).first()

    if resolve.__qualname__ not in {r.__qualname__ for r in HAZARD_RESOLVERS}:
        HAZARD_RESOLVERS.append(resolve)

    register(AuditSource(
        model_label="hazards.Hazard", title="隐患",
        action_of=lambda r: (r.last_action, HazardAction(r.last_action).label if r.last_action in HazardAction.values else r.last_action),
        actions=list(HazardAction.choices),
        filter_action=lambda qs, a: qs.filter(last_action=a),
        filter_hazard=lambda qs, pk: qs.filter(id=pk),
        filter_department=lambda qs, pk: qs.filter(responsible_department_id=pk),
        filter_jurisdiction=lambda qs, pk: qs.filter(Q(jurisdiction_id=pk) | Q(responsible_jurisdiction_id=pk)),
        object_label=lambda r: f"{r.code} {r.description[:30]}",
    ))
    register(AuditSource(
        model_label="hazards.HazardPlan", title="整改方案",
        action_of=lambda r: ("plan", "整改方案"),
        actions=[("plan", "整改方案")],
        filter_action=lambda qs, a: qs if a == "plan" else qs.none(),
        filter_hazard=lambda qs, pk: qs.filter(hazard_id=pk),
        object_label=lambda r: f"隐患#{r.hazard_id} 整改方案",
        **by_hazard_unit("hazard_id"),
    ))
    register(AuditSource(
        model_label="hazards.HazardEvidence", title="整改佐证",
        action_of=lambda r: (r.kind, HazardEvidence.Kind(r.kind).label if r.kind in HazardEvidence.Kind.values else r.kind),
        actions=list(HazardEvidence.Kind.choices),
        filter_action=lambda qs, a: qs.filter(kind=a),
        filter_hazard=lambda qs, pk: qs.filter(hazard_id=pk),
        object_label=lambda r: f"隐患#{r.hazard_id} 整改佐证",
        **by_hazard_unit("hazard_id"),
    ))
    register(AuditSource(
        model_label="hazards.HazardPhoto", title="隐患照片",
        action_of=lambda r: ("photo", "上传照片"),
        actions=[("photo", "上传照片")],
        filter_action=lambda qs, a: qs if a == "photo" else qs.none(),
        filter_hazard=lambda qs, pk: qs.filter(hazard_id=pk),
        object_label=lambda r: f"隐患#{r.hazard_id} 照片",
        **by_hazard_unit("hazard_id"),
    ))
    register(AuditSource(
        model_label="hazards.Order", title="三单",
        action_of=lambda r: (f"order_{r.last_action}", f"三单{OrderAction(r.last_action).label}" if r.last_action in OrderAction.values else r.last_action),
        actions=[(f"order_{v}", f"三单{label}") for v, label in OrderAction.choices],
        filter_action=lambda qs, a: qs.filter(last_action=a.removeprefix("order_")) if a.startswith("order_") else qs.none(),
        filter_hazard=lambda qs, pk: qs.filter(id__in=Order.hazards.through.objects.filter(hazard_id=pk).values("order_id")),
        filter_department=lambda qs, pk: qs.filter(recipient_department_id=pk),
        filter_jurisdiction=lambda qs, pk: qs.filter(recipient_jurisdiction_id=pk),
        object_label=lambda r: r.number,
    ))
