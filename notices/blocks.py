"""StreamField blocks of a 通报: paragraphs, headings, tables, and lists of hazards or units
chosen from the data (hazards through the hazard snippet chooser; the few departments and jurisdictions as a plain select)."""

from __future__ import annotations

from django import forms
from django.utils.functional import cached_property
from wagtail import blocks
from wagtail.contrib.typed_table_block.blocks import TypedTableBlock
from wagtail.snippets.blocks import SnippetChooserBlock


class ModelSelectBlock(blocks.ChooserBlock):
    """A chooser rendered as a plain ``<select>`` over ``target_model`` (set on subclasses)."""

    @cached_property
    def widget(self):
        return forms.Select()

    @cached_property
    def field(self):
        return forms.ModelChoiceField(queryset=self.get_queryset(), widget=self.widget, required=self._required,
                                      help_text=self._help_text)

    def get_queryset(self):
        return self.model_class.objects.all()

    def get_form_state(self, value):
        return value.pk if value is not None else None


class HazardChooserBlock(SnippetChooserBlock):
    """A hazard picked in the hazard snippet's chooser (paginated: there may be many thousands)."""

    def __init__(self, **kwargs):
        super().__init__("hazards.Hazard", **kwargs)

    def deconstruct(self):
        _, _, kwargs = super().deconstruct()
        return ("notices.blocks.HazardChooserBlock", (), kwargs)

    def get_api_representation(self, value, context=None):
        if value is None:
            return None
        return {
            "id": value.pk, "code": value.code, "description": value.description, "level": value.get_level_display(),
            "is_prominent": value.is_prominent, "state": value.get_state_display(), "target": value.target.name,
            "jurisdiction": value.jurisdiction.name, "deadline": value.deadline.isoformat() if value.deadline else None,
            "responsible_unit": value.responsible_unit_name,
        }

    class Meta:
        icon = "warning"


class DepartmentSelectBlock(ModelSelectBlock):
    target_model = "directory.Department"

    def get_api_representation(self, value, context=None):
        return {"id": value.pk, "name": value.name} if value is not None else None


class JurisdictionSelectBlock(ModelSelectBlock):
    target_model = "directory.Jurisdiction"

    def get_api_representation(self, value, context=None):
        return {"id": value.pk, "name": value.name} if value is not None else None


class HazardListBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label="标题", required=False, max_length=100)
    hazards = blocks.ListBlock(HazardChooserBlock(label="隐患"), label="隐患")

    class Meta:
        icon = "warning"
        label = "隐患清单"
        template = "notices/blocks/hazard_list.html"


class UnitListBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label="标题", required=False, max_length=100)
    departments = blocks.ListBlock(DepartmentSelectBlock(label="单位"), label="单位", required=False)
    jurisdictions = blocks.ListBlock(JurisdictionSelectBlock(label="属地"), label="属地", required=False)
    note = blocks.TextBlock(label="说明", required=False)

    class Meta:
        icon = "group"
        label = "单位名单"
        template = "notices/blocks/unit_list.html"


class NoticeBodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(label="小标题", max_length=100, form_classname="title", template="notices/blocks/heading.html")
    paragraph = blocks.RichTextBlock(label="段落", features=["bold", "italic", "ol", "ul", "link"])
    table = TypedTableBlock(
        [("text", blocks.CharBlock(label="文字")), ("number", blocks.DecimalBlock(label="数字"))],
        label="表格",
    )
    hazards = HazardListBlock()
    units = UnitListBlock()


class HazardSelectBlock(ModelSelectBlock):
    """Superseded by ``HazardChooserBlock``; kept because migration 0001 names it."""

    target_model = "hazards.Hazard"
