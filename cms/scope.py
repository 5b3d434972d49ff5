"""Data scope: the one place that decides which rows a user may see and change.

Every model that holds scoped data implements ``scope_q(scope) -> Q`` (a filter on its own
fields); admin views and API views call ``scoped()`` / ``in_scope()`` / ``can_write()`` and
nothing else. Rules (DESIGN.md, issue 2):
- 区安办 (admin, editor): everything, may change.
- 审计员: everything, may change nothing.
- 单位用户: what its department leads (its sectors) or was assigned.
- 属地用户: what lies in its jurisdiction.
- 检查员: as the department they belong to, plus what their inspection groups were given.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Model, Q, QuerySet

from .roles import OFFICE_ROLES, Role, role_of


@dataclass(frozen=True)
class Scope:
    role: Role | None
    everything: bool = False
    read_only: bool = True
    department_ids: frozenset[int] = field(default_factory=frozenset)
    jurisdiction_ids: frozenset[int] = field(default_factory=frozenset)
    sector_ids: frozenset[int] = field(default_factory=frozenset)
    user_id: int | None = None

    @property
    def nothing(self) -> bool:
        return not self.everything and not (self.department_ids or self.jurisdiction_ids or self.sector_ids)


NO_SCOPE = Scope(role=None)


def scope_for(user) -> Scope:
    cached = getattr(user, "_cached_scope", None)
    if cached is not None:
        return cached
    scope = _compute_scope(user)
    if user is not None and getattr(user, "is_authenticated", False):
        user._cached_scope = scope
    return scope


def _compute_scope(user) -> Scope:
    from cms.directory.models import Sector, UserProfile

    role = role_of(user)
    if role is None:
        return NO_SCOPE
    if role in OFFICE_ROLES:
        return Scope(role=role, everything=True, read_only=False, user_id=user.pk)
    if role == Role.AUDITOR:
        return Scope(role=role, everything=True, read_only=True, user_id=user.pk)
    profile = UserProfile.objects.filter(user=user).first()
    department_ids: set[int] = set()
    jurisdiction_ids: set[int] = set()
    if profile and profile.department_id and role in (Role.DEPARTMENT, Role.INSPECTOR):
        department_ids.add(profile.department_id)
    if profile and profile.jurisdiction_id and role == Role.JURISDICTION:
        jurisdiction_ids.add(profile.jurisdiction_id)
    sector_ids = set(
        Sector.objects.filter(lead_departments__in=department_ids).values_list("id", flat=True)
    ) if department_ids else set()
    return Scope(
        role=role,
        everything=False,
        read_only=False,
        department_ids=frozenset(department_ids),
        jurisdiction_ids=frozenset(jurisdiction_ids),
        sector_ids=frozenset(sector_ids),
        user_id=user.pk,
    )


def scope_q_for(model: type[Model], scope: Scope) -> Q:
    if scope.everything:
        return Q()
    if scope.role is None:
        return Q(pk__in=[])
    method = getattr(model, "scope_q", None)
    if method is None:
        # Reference data without an owner (departments, sectors…) is readable by every role.
        return Q()
    return method(scope)


def scoped(queryset: QuerySet, user) -> QuerySet:
    """The rows of ``queryset`` that ``user`` may see."""
    scope = scope_for(user)
    if scope.role is None:
        return queryset.none()
    q = scope_q_for(queryset.model, scope)
    if q == Q():
        return queryset
    return queryset.filter(q).distinct() if getattr(queryset.model, "scope_needs_distinct", False) else queryset.filter(q)


def in_scope(user, obj: Model) -> bool:
    return scoped(type(obj)._default_manager.filter(pk=obj.pk), user).exists()


def can_write(user, obj: Model | type[Model]) -> bool:
    """May ``user`` change this row (or, given a model class, rows of it at all)?

    Models say who may write them with ``write_roles`` (default: the office only); within
    those roles a non-office user may write only rows in scope.
    """
    scope = scope_for(user)
    if scope.role is None or scope.read_only:
        return False
    model = obj if isinstance(obj, type) else type(obj)
    roles = getattr(model, "write_roles", OFFICE_ROLES)
    if scope.role not in roles:
        return False
    if isinstance(obj, type) or scope.everything:
        return True
    return in_scope(user, obj)


# --------------------------------------------------------------------------- object URLs

_SNIPPET_NAMESPACES = ("wagtailsnippets_", "wagtailsnippetchoosers_")


def _snippet_models() -> dict[str, type[Model]]:
    from django.apps import apps

    return {f"{m._meta.app_label}_{m._meta.model_name}": m for m in apps.get_models()}


def object_url_model(view_func, namespaces) -> type[Model] | None:
    """The model whose id an admin URL takes: a view's ``scoped_model`` (custom admin views), or
    the model of a snippet viewset's (or its chooser's) URL namespace."""
    model = getattr(view_func, "scoped_model", None) or getattr(getattr(view_func, "view_class", None), "scoped_model", None)
    if model is not None:
        return model
    for namespace in namespaces:
        for prefix in _SNIPPET_NAMESPACES:
            if namespace.startswith(prefix):
                return _snippet_models().get(namespace[len(prefix):])
    return None


class ScopedObjectURLMiddleware:
    """Every admin URL that takes an object's id answers 404 when the object is outside the
    user's scope, exactly as for an id that does not exist (and for an id that is not ASCII
    digits): nothing tells a user which ids exist elsewhere. Runs before the view, so Wagtail's
    permission check (which redirects to the dashboard) never gets to answer differently."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from django.http import Http404

        from cms.inputs import ascii_int

        if "pk" not in view_kwargs or not request.path.startswith("/admin/"):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None  # Wagtail sends anonymous visitors to the login page
        match = request.resolver_match
        model = object_url_model(view_func, match.namespaces if match else [])
        if model is None:
            return None
        from django.contrib.admin.utils import unquote

        pk = ascii_int(unquote(str(view_kwargs["pk"])))
        if pk is None or not scoped(model._default_manager.filter(pk=pk), user).exists():
            raise Http404("未找到该记录，或不在您的数据范围内")
        return None
