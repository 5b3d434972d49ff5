"""The six roles, as Wagtail groups, and what each may do.

Group names are what users see. ``role_of(user)`` is the single place that turns a user into
a role; data scope (``cms.scope``) builds on it.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    OFFICE_ADMIN = "区安办管理员"
    OFFICE_EDITOR = "区安办编辑"
    DEPARTMENT = "单位用户"
    JURISDICTION = "属地用户"
    INSPECTOR = "检查员"
    AUDITOR = "审计员"


OFFICE_ROLES = {Role.OFFICE_ADMIN, Role.OFFICE_EDITOR}

# Precedence when a user is (wrongly) in several groups: the most restricted wins, so a
# misconfiguration never widens what someone sees or may change.
_PRECEDENCE = [
    Role.AUDITOR,
    Role.JURISDICTION,
    Role.DEPARTMENT,
    Role.INSPECTOR,
    Role.OFFICE_EDITOR,
    Role.OFFICE_ADMIN,
]


def role_of(user) -> Role | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    cached = getattr(user, "_cached_role", False)
    if cached is not False:
        return cached
    names = set(user.groups.values_list("name", flat=True))
    role = next((r for r in _PRECEDENCE if r.value in names), None)
    if role is None and user.is_superuser:
        role = Role.OFFICE_ADMIN
    user._cached_role = role
    return role


def is_office(user) -> bool:
    return role_of(user) in OFFICE_ROLES


def is_auditor(user) -> bool:
    return role_of(user) == Role.AUDITOR


OUR_APPS = ("audit", "directory", "checklists", "inspections", "hazards", "reporting", "assessment", "notices", "exports")


def ensure_role_groups() -> None:
    """Create the six groups and give each its model permissions, from each model's
    ``write_roles`` (who may add/change; default the office). Idempotent."""
    from django.apps import apps
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    access_admin = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.value)
        wanted = {access_admin}
        for model in apps.get_models():
            if model._meta.app_label not in OUR_APPS or model.__name__.startswith("Historical"):
                continue
            ct = ContentType.objects.get_for_model(model)
            perms = {p.codename: p for p in Permission.objects.filter(content_type=ct)}
            name = model._meta.model_name
            writers = getattr(model, "write_roles", OFFICE_ROLES)
            actions = ["view"]
            if role in writers:
                actions += ["add", "change"]
            if role in OFFICE_ROLES and role in writers:
                actions.append("delete")
            extra = getattr(model, "extra_role_permissions", {}).get(role, [])
            for action in actions:
                if f"{action}_{name}" in perms:
                    wanted.add(perms[f"{action}_{name}"])
            for codename in extra:
                if codename in perms:
                    wanted.add(perms[codename])
        if role == Role.OFFICE_ADMIN:
            wanted |= set(Permission.objects.filter(content_type__app_label__in=["auth", "wagtailusers"]))
        if role in OFFICE_ROLES:
            wanted |= set(Permission.objects.filter(content_type__app_label__in=["wagtailimages", "wagtaildocs"]))
        group.permissions.set(wanted)
