from django.urls import path, reverse, reverse_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets import Button, HeaderButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from cms.admin_views import AuditedSnippetViewSet, ScopedIndexView, forbidden
from cms.roles import role_of
from cms.scope import can_write

from .filters import (
    DepartmentAdminFilterSet,
    ExpertAdminFilterSet,
    JurisdictionAdminFilterSet,
    SectorAdminFilterSet,
    SpecialAssignmentAdminFilterSet,
    TargetAdminFilterSet,
    TargetCategoryAdminFilterSet,
    VillageAdminFilterSet,
)
from .login_unlock import LoginUnlockView, may_unlock
from .models import Department, Expert, Jurisdiction, Sector, SpecialAssignment, Target, TargetCategory, UserProfile, Village
from .picker import target_options_view
from .views import TargetImportView, import_template_view
from .widgets import Checkboxes


class DepartmentViewSet(AuditedSnippetViewSet):
    model = Department
    icon = "group"
    menu_label = "单位"
    list_display = ["name", "short_name", "kind", "contact_person", "contact_phone", "is_active"]
    filterset_class = DepartmentAdminFilterSet
    list_export = ["name", "short_name", "code", "kind", "contact_person", "contact_phone", "is_active"]
    export_filename = "单位"
    search_fields = ["name", "short_name"]
    ordering = ["sort_order", "id"]


class JurisdictionViewSet(AuditedSnippetViewSet):
    model = Jurisdiction
    icon = "site"
    menu_label = "属地"
    list_display = ["name", "kind", "contact_person", "contact_phone", "is_active"]
    filterset_class = JurisdictionAdminFilterSet
    list_export = ["name", "code", "kind", "contact_person", "contact_phone", "is_active"]
    export_filename = "属地"
    search_fields = ["name"]
    ordering = ["sort_order", "id"]


class VillageViewSet(AuditedSnippetViewSet):
    model = Village
    icon = "home"
    menu_label = "村居"
    list_display = ["name", "jurisdiction", "kind", "is_active"]
    filterset_class = VillageAdminFilterSet
    list_export = ["jurisdiction", "name", "kind", "is_active"]
    export_filename = "村居"
    search_fields = ["name"]

    def get_queryset(self, request):
        return Village.objects.select_related("jurisdiction")


class SectorViewSet(AuditedSnippetViewSet):
    model = Sector
    icon = "tasks"
    menu_label = "行业领域"
    list_display = ["name", "is_key", "major_hazard_standard", "is_active"]
    filterset_class = SectorAdminFilterSet
    list_export = ["name", "code", "is_key", "lead_department_names", "major_hazard_standard", "is_active"]
    export_headings = {"lead_department_names": "牵头（主管）单位"}
    export_filename = "行业领域"
    search_fields = ["name", "description"]
    ordering = ["sort_order", "id"]
    panels = [
        FieldPanel("name"), FieldPanel("code"), FieldPanel("is_key"), FieldPanel("lead_departments", widget=Checkboxes(filter=True)),
        FieldPanel("description"), FieldPanel("major_hazard_standard"), FieldPanel("sort_order"), FieldPanel("is_active"),
    ]


class SpecialAssignmentViewSet(AuditedSnippetViewSet):
    model = SpecialAssignment
    icon = "pick"
    menu_label = "专项督导分工"
    list_display = ["department", "jurisdiction", "note", "is_active"]
    filterset_class = SpecialAssignmentAdminFilterSet
    list_export = ["department", "jurisdiction", "note", "is_active"]
    export_filename = "专项督导属地分工"

    def get_queryset(self, request):
        return SpecialAssignment.objects.select_related("department", "jurisdiction")


class ExpertViewSet(AuditedSnippetViewSet):
    model = Expert
    icon = "user"
    menu_label = "专家库"
    list_display = ["name", "organization", "title", "specialty", "phone", "is_active"]
    filterset_class = ExpertAdminFilterSet
    list_export = ["name", "organization", "title", "specialty", "phone", "is_active"]
    export_filename = "专家库"
    search_fields = ["name", "organization", "specialty"]
    panels = [FieldPanel("name"), FieldPanel("organization"), FieldPanel("title"), FieldPanel("specialty"),
              FieldPanel("sectors", widget=Checkboxes), FieldPanel("phone"), FieldPanel("is_active"), FieldPanel("note")]


class TargetCategoryViewSet(AuditedSnippetViewSet):
    model = TargetCategory
    icon = "tag"
    menu_label = "监管对象类别"
    list_display = ["name", "parent", "code"]
    filterset_class = TargetCategoryAdminFilterSet
    list_export = ["name", "code", "parent"]
    export_filename = "监管对象类别"
    search_fields = ["name"]
    ordering = ["sort_order", "id"]

    def get_queryset(self, request):
        return TargetCategory.objects.select_related("parent")


class TargetIndexView(ScopedIndexView):
    """The target listing, with 导入 and 下载导入模板 in the header for those who may write."""

    @property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if can_write(self.request.user, Target):
            buttons.append(HeaderButton("从 Excel 导入", url=reverse(self.audited_viewset.get_url_name("import")), icon_name="upload"))
        return buttons

    @property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if can_write(self.request.user, Target):
            buttons.append(Button("下载导入模板", url=reverse(self.audited_viewset.get_url_name("import_template")), icon_name="download", priority=95))
        return buttons


class TargetViewSet(AuditedSnippetViewSet):
    model = Target
    icon = "cogs"
    menu_label = "监管对象"
    index_view_class = TargetIndexView

    def get_queryset(self, request):
        return Target.objects.select_related("jurisdiction", "village__jurisdiction")

    list_display = ["name", "jurisdiction", "village", "kind", "contact_person", "contact_phone", "is_active"]
    filterset_class = TargetAdminFilterSet
    # The first eleven columns are the import layout (cms.directory.importing.COLUMNS), so an
    # exported sheet can be edited in Excel and imported again.
    list_export = ["name", "credit_code", "kind", "jurisdiction", "village.name", "sector_names", "category_names",
                   "address", "contact_person", "contact_phone", "note", "is_active", "updated_at"]
    export_headings = {"village.name": "村居", "sector_names": "行业领域", "category_names": "类别标签"}
    export_filename = "监管对象"
    search_fields = ["name", "address", "credit_code", "contact_person"]
    panels = [
        MultiFieldPanel([FieldPanel("name"), FieldPanel("credit_code"), FieldPanel("kind")], heading="基本信息"),
        MultiFieldPanel([FieldPanel("jurisdiction"), FieldPanel("village"), FieldPanel("address")], heading="位置"),
        MultiFieldPanel([FieldPanel("sectors", widget=Checkboxes), FieldPanel("categories", widget=Checkboxes)], heading="行业领域与类别"),
        MultiFieldPanel([FieldPanel("contact_person"), FieldPanel("contact_phone"), FieldPanel("is_active"), FieldPanel("note")], heading="其他"),
    ]

    def get_urlpatterns(self):
        import_view = TargetImportView.as_view(viewset=self)
        return super().get_urlpatterns() + [
            path("import/", import_view, name="import"),
            path("import/template/", self.import_template_view, name="import_template"),
        ]

    @property
    def import_template_view(self):
        def view(request):
            if not can_write(request.user, Target):
                return forbidden(request)
            return import_template_view(request)

        return view


def _role_label(profile: UserProfile) -> str:
    role = role_of(profile.user)
    return role.value if role else "（未分组）"


class UserProfileViewSet(AuditedSnippetViewSet):
    """用户单位: binds a user to the department or jurisdiction that sets their data scope."""

    model = UserProfile
    icon = "user"
    menu_label = "用户单位"
    list_display = ["user", Column("role", label="角色", accessor=_role_label), "department", "jurisdiction", "title", "phone"]
    list_filter = ["department", "jurisdiction"]
    list_export = ["user", "department", "jurisdiction", "title", "phone"]
    export_filename = "用户单位"
    search_fields = ["user__username", "user__first_name", "user__last_name", "title", "phone"]
    panels = [FieldPanel("user"), FieldPanel("department"), FieldPanel("jurisdiction"), FieldPanel("title"), FieldPanel("phone")]

    def get_queryset(self, request):
        return UserProfile.objects.select_related("user", "department", "jurisdiction")


class TargetImportMenuItem(MenuItem):
    def is_shown(self, request):
        return can_write(request.user, Target)


class LoginUnlockMenuItem(MenuItem):
    def is_shown(self, request):
        return may_unlock(request.user)


class DirectoryGroup(SnippetViewSetGroup):
    menu_label = "名录"
    menu_icon = "folder-open-inverse"
    menu_order = 200
    items = (TargetViewSet, DepartmentViewSet, JurisdictionViewSet, VillageViewSet, SectorViewSet,
             SpecialAssignmentViewSet, ExpertViewSet, TargetCategoryViewSet, UserProfileViewSet)

    def get_submenu_items(self):
        items = super().get_submenu_items()
        items.insert(1, TargetImportMenuItem("导入监管对象", reverse_lazy("wagtailsnippets_directory_target:import"),
                                             name="target-import", icon_name="upload"))
        items.append(LoginUnlockMenuItem("解除登录锁定", reverse_lazy("login_unlock"), name="login-unlock", icon_name="lock-open"))
        for order, item in enumerate(items, start=1):
            item.order = order
        return items


register_snippet(DirectoryGroup)


@hooks.register("register_admin_urls")
def target_picker_urls():
    return [path("directory/target-options/", target_options_view, name="target_options"),
            path("directory/login-unlock/", LoginUnlockView.as_view(), name="login_unlock")]
