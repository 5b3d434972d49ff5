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


_VERBS = {"add": "新增", "change": "修改", "delete": "删除", "view": "查看"}
_PERMISSION_NAMES = {
    "Can access Wagtail admin": "可进入管理后台", "Can choose document": "可选用文档", "Can choose image": "可选用图片",
    "Delete pages with children": "可删除页面及其子页面", "Lock/unlock pages you've locked": "可锁定/解锁自己锁定的页面",
    "Publish any page": "可发布任意页面", "Unlock any page": "可解锁任意页面",
}
_OBJECTS = {
    "API token": "接口令牌", "Group approval task": "用户组审核环节", "Task state": "审核环节状态", "Token": "令牌",
    "Workflow state": "审核流程状态", "collection": "文档集", "collection view restriction": "文档集访问限制", "comment": "批注",
    "comment reply": "批注回复", "content type": "内容类型", "document": "文档", "editing session": "编辑会话", "embed": "嵌入内容",
    "form state": "表单状态", "form submission": "表单提交", "group": "用户组", "group collection permission": "用户组文档集权限",
    "group page permission": "用户组页面权限", "group site permission": "用户组站点权限", "image": "图片", "index entry": "索引条目",
    "locale": "语言", "log entry": "日志", "model log entry": "记录日志", "page": "页面", "page log entry": "页面日志",
    "page subscription": "页面订阅", "page view restriction": "页面访问限制", "permission": "权限", "redirect": "重定向",
    "reference index": "引用索引", "rendition": "图片尺寸版本", "revision": "版本", "session": "会话", "site": "站点",
    "sqliteftsindexentry": "全文索引条目", "tag": "标签", "tagged item": "标签关联", "task": "审核环节", "uploaded file": "上传文件",
    "user": "用户", "user profile": "用户资料", "workflow": "审核流程", "workflow content type": "审核流程内容类型",
    "workflow page": "审核流程页面", "workflow task order": "审核流程环节顺序",
}


def chinese_permission_name(name: str) -> str:
    """Django and Wagtail store permission names in English ("Can add page"); the group editor shows them."""
    if name in _PERMISSION_NAMES:
        return _PERMISSION_NAMES[name]
    verb, _, rest = name.removeprefix("Can ").partition(" ")
    if not name.startswith("Can ") or verb not in _VERBS:
        return name
    if rest.startswith("historical "):
        return f"可{_VERBS[verb]}{rest.removeprefix('historical ')}的历史"
    if rest.startswith("Historical"):
        return f"可{_VERBS[verb]}关联的历史"
    return f"可{_VERBS[verb]}{_OBJECTS.get(rest, rest)}"


def translate_permission_names() -> None:
    from django.contrib.auth.models import Permission

    for permission in Permission.objects.all():
        chinese = chinese_permission_name(permission.name)[:255]
        if chinese != permission.name:
            permission.name = chinese
            permission.save(update_fields=["name"])


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
    translate_permission_names()
