"""The public site's page tree and the 通报 moderation workflow, created idempotently.

root → 首页 (HomePage) → 通报 (NoticeIndexPage) and 受理举报 (TipOffFormPage); the workflow
"通报审核" (one GroupApprovalTask for 区安办管理员) is attached to the notice index, so every
notice an editor submits waits for a leader's approval before it is published.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from cms.roles import Role, ensure_role_groups

from .models import HomePage, NoticeIndexPage, TipOffFormPage

SITE_NAME = "荔城区安全生产常态化督导检查"
WORKFLOW_NAME = "通报审核"
TASK_NAME = "区安办领导审核"

EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page"]
ADMIN_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page", "bulk_delete_page"]


@dataclass
class SetupReport:
    created: list[str] = field(default_factory=list)

    def add(self, what: str) -> None:
        self.created.append(what)


def _child(parent: Page, model, slug: str, report: SetupReport, **fields) -> Page:
    existing = model.objects.child_of(parent).first()
    if existing is not None:
        return existing
    clash = parent.get_children().filter(slug=slug).first()
    if clash is not None:
        slug = f"{slug}-{model.__name__.lower()}"
    page = model(slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    report.add(f"页面：{page.title}")
    return page


def _tree_roots(report: SetupReport) -> Page:
    """Wagtail's data migrations make the default locale, the root page and the root collection;
    a flushed database (transactional tests, a restore gone wrong) lacks them, so make them too."""
    Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="全部文档")
        report.add("文档根目录")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="根页面", slug="root", live=True))
        report.add("页面根节点")
    return root


def _home(report: SetupReport) -> HomePage:
    home = HomePage.objects.first()
    if home is not None:
        return home
    root = _tree_roots(report)
    # Wagtail's own "Welcome" page (a bare Page) sits where the home page goes: move it aside.
    for welcome in root.get_children().filter(slug="home"):
        if welcome.specific_class is Page and not welcome.get_children().exists():
            Site.objects.filter(root_page=welcome).update(root_page=root)
            welcome.delete()
        else:
            welcome.slug = f"home-old-{welcome.pk}"
            welcome.save(update_fields=["slug"])
    home = HomePage(title=SITE_NAME, slug="home",
                    intro="<p>荔城区安全生产常态化督导检查：公开通报督导检查结果，受理安全隐患举报。</p>")
    root.add_child(instance=home)
    home.save_revision().publish()
    report.add("页面：首页")
    return home


def _site(home: HomePage, report: SetupReport) -> None:
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True, site_name=SITE_NAME)
        report.add("站点")
    elif site.root_page_id != home.pk or site.site_name != SITE_NAME:
        site.root_page = home
        site.site_name = SITE_NAME
        site.save()
        report.add("站点根页面")


def _page_permissions(home: HomePage, report: SetupReport) -> None:
    for role, codenames in ((Role.OFFICE_EDITOR, EDITOR_PAGE_PERMISSIONS), (Role.OFFICE_ADMIN, ADMIN_PAGE_PERMISSIONS)):
        group = Group.objects.get(name=role.value)
        for codename in codenames:
            permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
            _, created = GroupPagePermission.objects.get_or_create(group=group, page=home, permission=permission)
            if created:
                report.add(f"页面权限：{role.value} {codename}")


def _collection_permissions(report: SetupReport) -> None:
    """Office editors attach documents to notices: they need the documents permissions on the root collection."""
    root = Collection.get_first_root_node()
    for role in (Role.OFFICE_EDITOR, Role.OFFICE_ADMIN):
        group = Group.objects.get(name=role.value)
        for codename in ("add_document", "change_document", "choose_document"):
            permission = Permission.objects.filter(content_type__app_label="wagtaildocs", codename=codename).first()
            if permission is None:
                continue
            _, created = GroupCollectionPermission.objects.get_or_create(group=group, collection=root, permission=permission)
            if created:
                report.add(f"文档权限：{role.value} {codename}")


def _workflow(index: NoticeIndexPage, report: SetupReport) -> Workflow:
    leaders = Group.objects.get(name=Role.OFFICE_ADMIN.value)
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
        report.add(f"审核任务：{TASK_NAME}")
    if not task.groups.filter(pk=leaders.pk).exists():
        task.groups.add(leaders)
    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    if workflow is None:
        workflow = Workflow.objects.create(name=WORKFLOW_NAME, active=True)
        report.add(f"审核流程：{WORKFLOW_NAME}")
    if not WorkflowTask.objects.filter(workflow=workflow, task=task).exists():
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    link = WorkflowPage.objects.filter(page=index).first()
    if link is None:
        WorkflowPage.objects.create(page=index, workflow=workflow)
    elif link.workflow_id != workflow.pk:
        link.workflow = workflow
        link.save()
    return workflow


WAGTAIL_DEFAULT_GROUPS = ("Editors", "Moderators")
WAGTAIL_DEFAULT_WORKFLOW = "Moderators approval"


def _retire_wagtail_defaults(report: SetupReport) -> None:
    """Wagtail's own "Editors"/"Moderators" groups and its "Moderators approval" workflow stand
    beside our six roles and the 通报审核 workflow, in English: retire them (the workflow is
    detached and disabled, the groups deleted when nobody is in them)."""
    for workflow in Workflow.objects.filter(name=WAGTAIL_DEFAULT_WORKFLOW):
        if WorkflowPage.objects.filter(workflow=workflow).exists():
            WorkflowPage.objects.filter(workflow=workflow).delete()
            report.add("停用 Wagtail 自带审核流程")
        if workflow.active:
            workflow.active = False
            workflow.save(update_fields=["active"])
    GroupApprovalTask.objects.filter(name=WAGTAIL_DEFAULT_WORKFLOW).update(active=False)
    root = Collection.get_first_root_node()
    if root is not None and root.name == "Root":
        root.name = "全部文档"
        root.save(update_fields=["name"])
    tree_root = Page.get_first_root_node()
    if tree_root is not None and tree_root.title == "Root":
        tree_root.title = tree_root.draft_title = "根页面"
        tree_root.save(update_fields=["title", "draft_title"])
    for group in Group.objects.filter(name__in=WAGTAIL_DEFAULT_GROUPS):
        if not group.user_set.exists():
            group.delete()
            report.add(f"删除 Wagtail 自带用户组：{group.name}")


def setup_site() -> SetupReport:
    report = SetupReport()
    ensure_role_groups()
    with transaction.atomic():
        _tree_roots(report)
        home = _home(report)
        _site(home, report)
        index = _child(home, NoticeIndexPage, "tongbao", report, title="通报",
                       intro="<p>区安办发布的安全生产督导检查情况通报。</p>")
        _child(home, TipOffFormPage, "jubao", report, title="受理举报",
               intro="<p>发现安全生产隐患，请如实填写下表。举报内容仅区安办可见，不会公开。</p>",
               thank_you_text="<p>举报已收到，区安办将尽快核实处理。感谢您对安全生产工作的支持！</p>")
        _page_permissions(home, report)
        _collection_permissions(report)
        _workflow(index, report)
        _retire_wagtail_defaults(report)
    return report
