"""Build checklist templates through the services, as an editor would."""

from __future__ import annotations

from cms.checklists import services
from cms.checklists.models import ChecklistItem, ChecklistTemplate

T = ChecklistItem.AnswerType


def build_template(actor, sectors, *, name: str = "危化品企业检查表", items: int = 0, publish: bool = True) -> ChecklistTemplate:
    """A template with one section of each answer type, plus ``items`` extra 合格/不合格 items."""
    template = services.checklist_template_create(actor=actor, reason="测试", name=name, sectors=sectors, description="测试用")
    draft = template.draft_version
    site = services.checklist_section_save(actor=actor, reason="测试", version=draft, title="现场安全")
    papers = services.checklist_section_save(actor=actor, reason="测试", version=draft, title="台账资料")
    services.checklist_item_save(actor=actor, reason="测试", version=draft, section=site, text="危化品仓库是否分区分类存放",
                                 answer_type=T.PASS_FAIL, required=True, legal_basis="《危险化学品安全管理条例》第二十四条",
                                 hazard_level=ChecklistItem.HazardLevel.MAJOR)
    services.checklist_item_save(actor=actor, reason="测试", version=draft, section=site, text="消防通道是否畅通",
                                 answer_type=T.PASS_FAIL, required=True, legal_basis="《消防法》第二十八条")
    services.checklist_item_save(actor=actor, reason="测试", version=draft, section=papers, text="从业人员数",
                                 answer_type=T.NUMBER, required=True)
    services.checklist_item_save(actor=actor, reason="测试", version=draft, section=papers, text="安全管理制度情况",
                                 answer_type=T.CHOICE, choices=["健全", "不健全", "无"], required=True)
    services.checklist_item_save(actor=actor, reason="测试", version=draft, section=papers, text="其他说明",
                                 answer_type=T.TEXT, required=False)
    services.checklist_item_save(actor=actor, reason="测试", version=draft, section=site, text="仓库现场照片",
                                 answer_type=T.PHOTO, required=False)
    for n in range(items):
        services.checklist_item_save(actor=actor, reason="测试", version=draft, section=site, text=f"附加检查项{n + 1}",
                                     answer_type=T.PASS_FAIL, required=True, legal_basis=f"依据{n + 1}")
    if publish:
        services.checklist_publish(actor=actor, reason="测试发布", version=draft, note="首版")
    return template
