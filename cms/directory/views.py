"""Admin page 导入监管对象: upload an .xlsx, choose the mode, see the per-row report."""

from __future__ import annotations

from django import forms
from django.http import HttpResponse
from django.urls import reverse
from django.utils.encoding import escape_uri_path
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets import HeaderButton

from cms.admin_views import ForbiddenIs403Mixin, forbidden
from cms.errors import ServiceError
from cms.forms import TextForm
from cms.scope import can_write

from . import importing
from .models import Target


class TargetImportForm(TextForm):
    file = forms.FileField(label="Excel 文件（.xlsx）",
                           help_text=f"按导入模板填写；不超过 {{mb}} MB。列：{'、'.join(c.header for c in importing.COLUMNS)}")
    mode = forms.ChoiceField(label="导入方式", choices=list(importing.MODES.items()), initial=importing.MODE_ALL_OR_NOTHING,
                             widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        from django.conf import settings

        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = self.fields["file"].help_text.replace("{mb}", f"{settings.UPLOAD_MAX_EXCEL_BYTES / 1048576:.0f}")
        self.fields["file"].widget.attrs["accept"] = ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class TargetImportView(ForbiddenIs403Mixin, WagtailAdminTemplateMixin, FormView):
    template_name = "directory/target_import.html"
    form_class = TargetImportForm
    page_title = "导入监管对象"
    header_icon = "upload"
    viewset = None

    def dispatch(self, request, *args, **kwargs):
        if not can_write(request.user, Target):
            return forbidden(request)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(self.viewset.get_url_name("list")), "label": "监管对象"},
            {"url": "", "label": self.page_title},
        ]

    @property
    def header_buttons(self):
        return [HeaderButton("下载导入模板", url=reverse(self.viewset.get_url_name("import_template")), icon_name="download")]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["columns"] = importing.COLUMNS
        ctx["template_url"] = reverse(self.viewset.get_url_name("import_template"))
        ctx["list_url"] = reverse(self.viewset.get_url_name("list"))
        return ctx

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            report = importing.import_targets(file=upload, filename=upload.name, actor=self.request.user, mode=form.cleaned_data["mode"])
        except ServiceError as exc:
            form.add_error("file" if "file" in exc.fields or not exc.fields else None, exc.message)
            return self.form_invalid(form)
        return self.render_to_response(self.get_context_data(form=self.form_class(initial={"mode": form.cleaned_data["mode"]}), report=report),
                                       status=200)


def import_template_view(request):
    response = HttpResponse(importing.build_template(), content_type=importing.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(importing.TEMPLATE_FILENAME)}"
    return response
