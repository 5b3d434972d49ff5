"""The checklist builder in the admin: sections and items of the draft version, reorder,
publish, copy, retire, export to a file and import one, and a preview of the form as an inspector sees it. Every button calls
a service in ``cms.checklists.services``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import TemplateView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms.errors import ServiceError
from cms.forms import TextForm
from cms.scope import can_write, scope_for, scoped

from . import services
from .models import ChecklistItem, ChecklistSection, ChecklistTemplate, ChecklistVersion

VERDICT_CHOICES = [("pass", "合格"), ("fail", "不合格"), ("na", "不适用")]


class ItemForm(TextForm):
    section = forms.ModelChoiceField(label="分组", queryset=ChecklistSection.objects.none(), required=False, empty_label="（未分组）")
    text = forms.CharField(label="检查内容", max_length=500)
    finding = forms.CharField(
        label="问题表述", max_length=500, required=False,
        help_text="不合格时隐患的表述（如：危险化学品未按规定分区、分类、分库存放），检查人员的备注接在其后；留空则由检查内容生成")
    guidance = forms.CharField(label="检查要点（如何查）", max_length=500, required=False)
    answer_type = forms.ChoiceField(label="答案类型", choices=ChecklistItem.AnswerType.choices)
    choices = forms.CharField(label="选项", required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="单选题每行一个选项")
    required = forms.BooleanField(label="必填", required=False, initial=True)
    legal_basis = forms.CharField(label="依据", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    hazard_level = forms.ChoiceField(label="不合格时隐患等级", choices=ChecklistItem.HazardLevel.choices,
                                     help_text="按该行业领域重大事故隐患判定标准，属于重大隐患的选“重大隐患”")

    def __init__(self, *args, version: ChecklistVersion, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = version.sections.all()

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["choices"] = [line.strip() for line in (data.get("choices") or "").splitlines() if line.strip()]
        return data


class OfficeOnlyMixin:
    def dispatch(self, request, *args, **kwargs):
        if scope_for(request.user).role is None:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class BuilderView(OfficeOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "checklists/admin/builder.html"

    def get_template(self) -> ChecklistTemplate:
        return get_object_or_404(ChecklistTemplate, pk=self.kwargs["pk"])

    def get_page_title(self):
        return f"检查表：{self.get_template().name}"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        template = self.get_template()
        draft, current = template.draft_version, template.current_version
        ctx.update(
            template=template, draft=draft, current=current, can_edit=can_write(self.request.user, ChecklistTemplate),
            versions=template.versions.order_by("-number"), verdicts=VERDICT_CHOICES,
            draft_layout=services.version_layout(draft) if draft else [],
            current_layout=services.version_layout(current) if current else [],
            item_form=kwargs.get("item_form") or (ItemForm(version=draft) if draft else None),
            edit_url=reverse("wagtailsnippets_checklists_checklisttemplate:edit", args=[template.pk]),
        )
        ctx["header_title"] = ctx["page_title"] = self.get_page_title()
        return ctx

    # The builder's buttons: action -> (handler, needs a draft version). A handler calls one service
    # and may return a response (else back to the builder).
    def post(self, request, *args, **kwargs):
        template = self.get_template()
        action = request.POST.get("action", "")
        handler_name, needs_draft = self.ACTIONS.get(action, (None, False))
        draft = template.draft_version
        try:
            if handler_name is None:
                messages.error(request, "未知操作")
            elif needs_draft and draft is None:
                messages.error(request, "请先点击“编辑内容”生成草稿版本")
            else:
                response = getattr(self, handler_name)(request, template, draft, action)
                if response is not None:
                    return response
        except ServiceError as exc:
            # the field messages say what is wrong in words ("请填写分组标题"); the field names are not for users
            details = "；".join(m for v in exc.fields.values() for m in ([v] if isinstance(v, str) else v) if m != exc.message)
            messages.error(request, "；".join(x for x in (exc.message, details) if x))
        return redirect("checklists_builder", template.pk)

    def _new_draft(self, request, template, draft, action):
        draft = services.checklist_draft(actor=request.user, reason="后台编辑检查表", template=template)
        messages.success(request, f"已生成第{draft.number}版草稿，修改后请发布")

    def _retire(self, request, template, draft, action):
        retired = action == "retire"
        services.checklist_retire(actor=request.user, reason="后台停用" if retired else "后台恢复启用", template=template, retired=retired)
        messages.success(request, "检查表已停用" if retired else "检查表已恢复启用")

    def _copy(self, request, template, draft, action):
        copy = services.checklist_copy(actor=request.user, reason="后台复制检查表", template=template, name=request.POST.get("copy_name", ""))
        messages.success(request, f"已复制为“{copy.name}”")
        return redirect("checklists_builder", copy.pk)

    def _add_section(self, request, template, draft, action):
        services.checklist_section_save(actor=request.user, reason="新增分组", version=draft, title=request.POST.get("title", ""))

    def _rename_section(self, request, template, draft, action):
        section = get_object_or_404(ChecklistSection, pk=request.POST.get("section"), version=draft)
        services.checklist_section_save(actor=request.user, reason="分组改名", version=draft, section=section, title=request.POST.get("title", ""))

    def _delete_section(self, request, template, draft, action):
        section = get_object_or_404(ChecklistSection, pk=request.POST.get("section"), version=draft)
        services.checklist_section_delete(actor=request.user, reason="删除分组", section=section)

    def _move(self, request, template, draft, action):
        kind, direction = action.split("_")
        model, key = (ChecklistSection, "section") if kind == "section" else (ChecklistItem, "item")
        services.checklist_move(actor=request.user, reason="调整顺序", obj=get_object_or_404(model, pk=request.POST.get(key), version=draft),
                                direction=-1 if direction == "up" else 1)

    def _delete_item(self, request, template, draft, action):
        item = get_object_or_404(ChecklistItem, pk=request.POST.get("item"), version=draft)
        services.checklist_item_delete(actor=request.user, reason="删除检查项", item=item)

    def _add_item(self, request, template, draft, action):
        form = ItemForm(request.POST, version=draft)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(item_form=form))
        services.checklist_item_save(actor=request.user, reason="新增检查项", version=draft, **form.service_fields())
        messages.success(request, "已新增检查项")

    def _publish(self, request, template, draft, action):
        note = request.POST.get("note", "")
        version = services.checklist_publish(actor=request.user, reason=note or "后台发布", version=draft, note=note)
        messages.success(request, f"第{version.number}版已发布，新的督导检查将使用该版本")

    ACTIONS: dict[str, tuple[str, bool]] = {
        "new_draft": ("_new_draft", False), "retire": ("_retire", False), "restore": ("_retire", False), "copy": ("_copy", False),
        "add_section": ("_add_section", True), "rename_section": ("_rename_section", True),
        "delete_section": ("_delete_section", True), "section_up": ("_move", True), "section_down": ("_move", True),
        "item_up": ("_move", True), "item_down": ("_move", True), "delete_item": ("_delete_item", True),
        "add_item": ("_add_item", True), "publish": ("_publish", True),
    }


class ItemEditView(OfficeOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "checklists/admin/item_edit.html"
    page_title = "修改检查项"
    header_title = "修改检查项"

    def dispatch(self, request, *args, **kwargs):
        self.item = get_object_or_404(ChecklistItem.objects.select_related("version"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        item = self.item
        ctx["form"] = kwargs.get("form") or ItemForm(version=item.version, initial={
            "section": item.section_id, "text": item.text, "finding": item.finding or item.finding_text, "guidance": item.guidance, "answer_type": item.answer_type,
            "choices": "\n".join(item.choices or []), "required": item.required, "legal_basis": item.legal_basis, "hazard_level": item.hazard_level,
        })
        ctx["back_url"] = reverse("checklists_builder", args=[item.version.template_id])
        return ctx

    def post(self, request, *args, **kwargs):
        form = ItemForm(request.POST, version=self.item.version)
        if form.is_valid():
            try:
                services.checklist_item_save(actor=request.user, reason="修改检查项", version=self.item.version, item=self.item, **form.service_fields())
                messages.success(request, "检查项已保存")
                return redirect("checklists_builder", self.item.version.template_id)
            except ServiceError as exc:
                for field, errors in exc.fields.items():
                    form.add_error(field if field in form.fields else None, errors)
                if not exc.fields:
                    form.add_error(None, exc.message)
        return self.render_to_response(self.get_context_data(form=form))


class PreviewView(OfficeOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "checklists/admin/preview.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        version = get_object_or_404(ChecklistVersion.objects.select_related("template"), pk=self.kwargs["pk"])
        ctx.update(version=version, layout=services.version_layout(version), verdicts=VERDICT_CHOICES)
        ctx["header_title"] = ctx["page_title"] = f"预览：{version}"
        return ctx


class ChecklistImportForm(TextForm):
    file = forms.FileField(label="检查表文件（.json）", help_text="其他单位在“检查表 → 编辑内容”页点击“导出为文件”得到的 .json 文件")
    name = forms.CharField(label="新检查表名称", max_length=100, required=False,
                           help_text="不填则使用文件中的名称；本单位已有同名检查表时请填写新名称")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".json,application/json"


class ChecklistImportView(WagtailAdminTemplateMixin, TemplateView):
    """导入检查表: a new template (draft version 1) from an exported file, through the services."""

    template_name = "checklists/admin/import.html"
    page_title = "导入检查表"
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        if not can_write(request.user, ChecklistTemplate):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("form", ChecklistImportForm())
        return ctx

    def post(self, request, *args, **kwargs):
        from .transfer import MAX_FILE_BYTES, checklist_import

        form = ChecklistImportForm(request.POST, request.FILES)
        problems: list[str] = []
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                template = checklist_import(actor=request.user, reason=f"后台导入检查表文件“{upload.name[:100]}”",
                                            data=upload.read(MAX_FILE_BYTES + 1), name=form.cleaned_data["name"])
            except ServiceError as exc:
                problems = [exc.message] + [f"{k}：{'；'.join(str(m) for m in v)}" for k, v in exc.fields.items()]
            else:
                messages.success(request, f"已导入“{template.name}”（第1版草稿），请核对后发布")
                return redirect("checklists_builder", template.pk)
        return self.render_to_response(self.get_context_data(form=form, problems=problems), status=400)


class ChecklistExportView(OfficeOnlyMixin, View):
    """导出为文件: the template's current version (or its draft) as a checklist file."""

    def get(self, request, pk):
        from django.http import HttpResponse
        from django.utils.encoding import escape_uri_path

        from .transfer import export_bytes, export_filename

        template = get_object_or_404(scoped(ChecklistTemplate.objects.all(), request.user), pk=pk)
        response = HttpResponse(export_bytes(template=template), content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(export_filename(template))}"
        return response
