from rest_framework.permissions import SAFE_METHODS, BasePermission

from cms.scope import can_write, scope_for


class ScopedModelPermission(BasePermission):
    """Reads: any logged-in role (rows are filtered by ``cms.scope``). Writes: the model's
    ``write_roles`` and, per row, ``cms.scope.can_write``. Auditors never write."""

    message = "您没有执行此操作的权限"

    def has_permission(self, request, view):
        user = request.user
        if not user or not user.is_authenticated:
            return False
        scope = scope_for(user)
        if scope.role is None:
            return False
        if request.method in SAFE_METHODS:
            return True
        if getattr(view, "action_permission_in_service", False) and getattr(view, "action", None) in getattr(view, "service_actions", ()):
            return not scope.read_only  # the service checks role and state itself
        model = getattr(getattr(view, "queryset", None), "model", None)
        if model is None:
            return not scope.read_only
        return can_write(user, model)

    def has_object_permission(self, request, view, obj):
        if request.method in SAFE_METHODS:
            return True
        if getattr(view, "action_permission_in_service", False) and getattr(view, "action", None) in getattr(view, "service_actions", ()):
            return True
        return can_write(request.user, obj)
