"""Who may read a 通报. The one place that decides it: page serve, the page API, search and
listings all ask here.

- public notices: everyone;
- internal notices: 区安办 (admin, editor) and 审计员, and logged-in users of the addressed
  units (主送单位: a department user or inspector of an addressed department, a jurisdiction
  user of an addressed jurisdiction). Nobody else, and never anonymous users.
"""

from __future__ import annotations

from django.db.models import Q

from cms.roles import OFFICE_ROLES, Role
from cms.scope import scope_for


def notice_audience_q(user) -> Q | None:
    """A filter on ``NoticePage`` of the notices ``user`` may read; ``None`` means all of them."""
    scope = scope_for(user)
    if scope.role in OFFICE_ROLES or scope.role == Role.AUDITOR:
        return None
    q = Q(visibility="public")
    if scope.role is None:
        return q
    if scope.department_ids:
        q |= Q(addressee_departments__in=scope.department_ids)
    if scope.jurisdiction_ids:
        q |= Q(addressee_jurisdictions__in=scope.jurisdiction_ids)
    return q


def visible_notices(queryset, user):
    """``queryset`` (of ``NoticePage``) narrowed to what ``user`` may read."""
    q = notice_audience_q(user)
    if q is None:
        return queryset
    from .models import NoticePage

    return queryset.filter(pk__in=NoticePage.objects.filter(q).values("pk"))


def hidden_notice_ids(user):
    """Primary keys of the notices ``user`` may not read (to exclude from any page queryset)."""
    from .models import NoticePage

    q = notice_audience_q(user)
    if q is None:
        return NoticePage.objects.none().values("pk")
    return NoticePage.objects.exclude(pk__in=NoticePage.objects.filter(q).values("pk")).values("pk")


def can_read_notice(user, notice) -> bool:
    if notice.visibility == "public":
        return True
    q = notice_audience_q(user)
    if q is None:
        return True
    return type(notice).objects.filter(q, pk=notice.pk).exists()
