"""Demo data for inspections: the groups of the notice and two published sample checklists."""

from __future__ import annotations

from cms.checklists import services as checklists
from cms.checklists.models import ChecklistItem, ChecklistTemplate
from cms.directory.models import Sector

from .services import ensure_standing_groups, sync_special_groups

REASON = "载入演示数据"
T = ChecklistItem.AnswerType
SAMPLES = [
    ("危险化学品企业安全检查表", ["hazchem"], [
        ("现场安全", [
            ("危险化学品是否按规定分区、分类、分库存放", T.PASS_FAIL, "major", "《危险化学品安全管理条例》第二十四条"),
            ("涉及重点监管危险化工工艺的装置是否实现自动化控制", T.PASS_FAIL, "major", "《化工和危险化学品生产经营单位重大生产安全事故隐患判定标准》"),
            ("安全出口、疏散通道是否畅通", T.PASS_FAIL, "general", "《中华人民共和国消防法》第二十八条"),
            ("储罐区现场照片", T.PHOTO, "general", ""),
        ]),
        ("安全管理", [
            ("主要负责人、安全管理人员是否持证上岗", T.PASS_FAIL, "general", "《中华人民共和国安全生产法》第二十七条"),
            ("从业人员数", T.NUMBER, "general", ""),
            ("安全生产管理制度", T.CHOICE, "general", ""),
            ("其他情况", T.TEXT, "general", ""),
        ]),
    ]),
    ("城镇燃气经营场所检查表", ["gas"], [
        ("现场安全", [
            ("瓶装液化石油气是否存放在专用气瓶间", T.PASS_FAIL, "major", "《城镇燃气经营安全重大隐患判定标准》"),
            ("是否安装可燃气体报警装置", T.PASS_FAIL, "general", "《城镇燃气设计规范》"),
        ]),
    ]),
]


def load_inspection_demo() -> list[str]:
    lines = []
    special = sync_special_groups(reason=REASON)
    lines.append("专项督导检查组：" + "，".join(f"{k} {v}" for k, v in special.items()))
    standing = ensure_standing_groups(reason=REASON)
    lines.append("综合、行业督导检查组新建：" + "，".join(f"{k} {v}" for k, v in standing.items()))
    created = 0
    for name, sector_codes, sections in SAMPLES:
        sectors = list(Sector.objects.filter(code__in=sector_codes))
        if not sectors or ChecklistTemplate.objects.filter(name=name).exists():
            continue
        template = checklists.checklist_template_create(actor=None, reason=REASON, name=name, sectors=sectors)
        draft = template.draft_version
        for title, items in sections:
            section = checklists.checklist_section_save(actor=None, reason=REASON, version=draft, title=title)
            for text, answer_type, level, basis in items:
                choices = ["健全", "不健全", "未制定"] if answer_type == T.CHOICE else []
                checklists.checklist_item_save(actor=None, reason=REASON, version=draft, section=section, text=text, answer_type=answer_type,
                                               choices=choices, required=answer_type in (T.PASS_FAIL, T.NUMBER), legal_basis=basis,
                                               hazard_level=level)
        checklists.checklist_publish(actor=None, reason=REASON, version=draft, note="演示版本")
        created += 1
    lines.append(f"示例检查表新建：{created}")
    return lines
