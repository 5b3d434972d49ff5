from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from cms.admin_views import AuditedSnippetViewSet

from .models import Department, Expert, Jurisdiction, Sector, SpecialAssignment, Target, TargetCategory, Village


class DepartmentViewSet(AuditedSnippetViewSet):
    model = Department
    icon = "group"
    menu_label = "单位"
    list_display = ["name", "short_name", "kind", "contact_person", "contact_phone", "is_active"]
    list_filter = ["kind", "is_active"]
    list_export = ["name", "short_name", "code", "kind", "contact_person", "contact_phone", "is_active"]
    export_filename = "单位"
    search_fields = ["name", "short_name"]
    ordering = ["sort_order", "id"]


class JurisdictionViewSet(AuditedSnippetViewSet):
    model = Jurisdiction
    icon = "site"
    menu_label = "属地"
    list_display = ["name", "kind", "contact_person", "contact_phone", "is_active"]
    list_filter = ["kind", "is_active"]
    list_export = ["name", "code", "kind", "contact_person", "contact_phone", "is_active"]
    export_filename = "属地"
    search_fields = ["name"]
    ordering = ["sort_order", "id"]


class VillageViewSet(AuditedSnippetViewSet):
    model = Village
    icon = "home"
    menu_label = "村居"
    list_display = ["name", "jurisdiction", "kind", "is_active"]
    list_filter = ["jurisdiction", "kind", "is_active"]
    list_export = ["jurisdiction", "name", "kind", "is_active"]
    export_filename = "村居"
    search_fields = ["name"]


class SectorViewSet(AuditedSnippetViewSet):
    model = Sector
    icon = "tasks"
    menu_label = "行业领域"
    list_display = ["name", "is_key", "major_hazard_standard", "is_active"]
    list_filter = ["is_key", "is_active", "lead_departments"]
    list_export = ["name", "code", "is_key", "lead_department_names", "major_hazard_standard", "is_active"]
    export_headings = {"lead_department_names": "牵头（主管）单位"}
    export_filename = "行业领域"
    search_fields = ["name", "description"]
    ordering = ["sort_order", "id"]
    panels = [
        FieldPanel("name"), FieldPanel("code"), FieldPanel("is_key"), FieldPanel("lead_departments"),
        FieldPanel("description"), FieldPanel("major_hazard_standard"), FieldPanel("sort_order"), FieldPanel("is_active"),
    ]


class SpecialAssignmentViewSet(AuditedSnippetViewSet):
    model = SpecialAssignment
    icon = "pick"
    menu_label = "专项督导分工"
    list_display = ["department", "jurisdiction", "note", "is_active"]
    list_filter = ["department", "jurisdiction", "is_active"]
    list_export = ["department", "jurisdiction", "note", "is_active"]
    export_filename = "专项督导属地分工"


class ExpertViewSet(AuditedSnippetViewSet):
    model = Expert
    icon = "user"
    menu_label = "专家库"
    list_display = ["name", "organization", "title", "specialty", "phone", "is_active"]
    list_filter = ["sectors", "is_active"]
    list_export = ["name", "organization", "title", "specialty", "phone", "is_active"]
    export_filename = "专家库"
    search_fields = ["name", "organization", "specialty"]


class TargetCategoryViewSet(AuditedSnippetViewSet):
    model = TargetCategory
    icon = "tag"
    menu_label = "监管对象类别"
    list_display = ["name", "parent", "code"]
    list_filter = ["parent"]
    list_export = ["name", "code", "parent"]
    export_filename = "监管对象类别"
    search_fields = ["name"]
    ordering = ["sort_order", "id"]


class TargetViewSet(AuditedSnippetViewSet):
    model = Target
    icon = "cogs"
    menu_label = "监管对象"
    list_display = ["name", "jurisdiction", "village", "kind", "contact_person", "contact_phone", "is_active"]
    list_filter = ["jurisdiction", "kind", "sectors", "categories", "is_active"]
    list_export = ["name", "credit_code", "kind", "jurisdiction", "village", "sector_names", "category_names",
                   "address", "contact_person", "contact_phone", "is_active", "note"]
    export_headings = {"sector_names": "行业领域", "category_names": "类别标签"}
    export_filename = "监管对象"
    search_fields = ["name", "address", "credit_code", "contact_person"]
    panels = [
        MultiFieldPanel([FieldPanel("name"), FieldPanel("credit_code"), FieldPanel("kind")], heading="基本信息"),
        MultiFieldPanel([FieldPanel("jurisdiction"), FieldPanel("village"), FieldPanel("address")], heading="位置"),
        MultiFieldPanel([FieldPanel("sectors"), FieldPanel("categories")], heading="行业领域与类别"),
        MultiFieldPanel([FieldPanel("contact_person"), FieldPanel("contact_phone"), FieldPanel("is_active"), FieldPanel("note")], heading="其他"),
    ]


class DirectoryGroup(SnippetViewSetGroup):
    menu_label = "名录"
    menu_icon = "folder-open-inverse"
    menu_order = 200
    items = (TargetViewSet, DepartmentViewSet, JurisdictionViewSet, VillageViewSet, SectorViewSet,
             SpecialAssignmentViewSet, ExpertViewSet, TargetCategoryViewSet)


register_snippet(DirectoryGroup)
