"""Demo inspections by the units' groups over the last two months, and their hazards taken through the
loop, so every screen has something to show (registered, assigned, rectifying, submitted, closed,
overdue, supervised) and the units' reports, Word and Excel files show the same non-zero figures."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cms.directory.models import Department, Target

from .models import Hazard, HazardLevel
from .services import hazard_assign, hazard_plan, hazard_submit, hazard_supervise, hazard_verify

DEMO_REASON = "演示数据"
PROBLEMS = [
    ("涉氨制冷车间氨气泄漏报警装置未与事故排风联锁", HazardLevel.MAJOR),
    ("有限空间作业未执行“先通风、再检测、后作业”", HazardLevel.MAJOR),
    ("疏散通道堆放杂物，安全出口指示标志损坏", HazardLevel.GENERAL),
    ("燃气管道穿越卧室，未设置燃气泄漏报警器", HazardLevel.GENERAL),
    ("喷涂作业场所电气设备未采用防爆型", HazardLevel.GENERAL),
    ("特种设备（叉车）未按期检验，操作人员无证上岗", HazardLevel.GENERAL),
    ("建筑工地临边防护缺失，脚手架连墙件不足", HazardLevel.GENERAL),
    ("可燃爆粉尘作业场所未按规定清扫积尘", HazardLevel.GENERAL),
]


# (lead department, group kind, inspections last month, inspections this month): the demo's supervision,
# so that the units' reports, their Word and Excel files and the dashboard show the same non-zero month.
DEMO_VISITS = [
    ("应急管理局", "industry", 4, 2),
    ("住建局", "industry", 2, 1),
    ("住建局", "special", 1, 0),
    ("消防救援大队", "industry", 2, 1),
    ("市场监管局", "industry", 1, 0),
    ("区安办", "comprehensive", 1, 0),
]
LAST_MONTH_DAYS = (6, 13, 20, 27)
THIS_MONTH_DAYS = (2, 9, 16, 23)


def _demo_inspections(office, inspectors: dict, today: datetime.date) -> list[Hazard]:
    """Inspections by the units' groups over last month and this one, each finding two hazards."""
    from workflows.inspections.models import InspectionGroup, InspectionMethod
    from workflows.inspections.services import inspection_submit
    from workflows.periods import add_months

    last_month, this_month = add_months(today, -1), today.replace(day=1)
    hazards: list[Hazard] = []
    problem = 0
    for short_name, kind, n_last, n_this in DEMO_VISITS:
        group = (InspectionGroup.objects.filter(lead_department__short_name=short_name, kind=kind, is_active=True)
                 .order_by("id").first())
        if group is None:
            continue
        if kind == InspectionGroup.Kind.SPECIAL:
            targets = Target.objects.filter(jurisdiction__in=group.jurisdictions.all(), is_active=True)
        elif kind == InspectionGroup.Kind.INDUSTRY:
            targets = Target.objects.filter(sectors__in=group.remit_sector_ids(), is_active=True)
        else:
            targets = Target.objects.filter(is_active=True)
        targets = list(targets.distinct().order_by("id")[: n_last + n_this])
        days = [last_month.replace(day=d) for d in LAST_MONTH_DAYS[:n_last]]
        days += [d for d in (this_month.replace(day=d) for d in THIS_MONTH_DAYS[:n_this]) if d <= today]
        for target, day in zip(targets, days, strict=False):
            extra = []
            for _ in range(2):
                description, level = PROBLEMS[problem % len(PROBLEMS)]
                extra.append({"description": description, "level": level, "legal_basis": DEMO_BASIS})
                problem += 1
            result = inspection_submit(
                actor=office, reason=DEMO_REASON, group=group, target=target, inspected_on=day,
                method=InspectionMethod.values[problem % len(InspectionMethod.values)],
                inspectors=[inspectors.get(short_name, office)], checklist_version=None, answers=[], extra_hazards=extra,
                started_at=timezone.now() - datetime.timedelta(minutes=30), summary=f"{group.name}演示督导检查")
            hazards += result.hazards
    return hazards


DEMO_BASIS = "演示数据"


def load_loop_demo() -> int:
    """Create the demo inspections and their hazards once (skipped when any exist), and take the hazards
    through the loop. Returns how many hazards were created."""
    if Hazard.objects.filter(legal_basis=DEMO_BASIS).exists():
        return 0
    User = get_user_model()
    office = User.objects.filter(username="office_admin").first()
    department_user = User.objects.filter(username="dept_yjj").first()
    if office is None or department_user is None:
        return 0
    inspectors = {"应急管理局": User.objects.filter(username="inspector_yjj").first() or office,
                  "住建局": User.objects.filter(username="dept_zjj").first() or office}
    today = timezone.localdate()
    created = 0
    with transaction.atomic():
        for index, hazard in enumerate(_demo_inspections(office, inspectors, today)):
            level = hazard.level
            # the finder's department answers for it where it leads the sector; else the 属地
            responsible = hazard.inspection.group.lead_department if hazard.inspection_id else None
            created += 1
            stage = index % 6
            if stage == 0:
                continue  # 登记
            # the services refuse past deadlines, so "soon due" ones (today) turn overdue tomorrow
            due_soon = index % 5 == 1
            deadline = today if due_soon else today + datetime.timedelta(days=10 + index)
            if responsible is not None and responsible.kind == Department.Kind.DEPARTMENT:
                who = {"responsible_kind": Hazard.ResponsibleKind.DEPARTMENT, "responsible_department": responsible}
            else:
                who = {"responsible_kind": Hazard.ResponsibleKind.JURISDICTION, "responsible_jurisdiction": hazard.jurisdiction}
            hazard_assign(hazard=hazard, actor=office, reason=DEMO_REASON, responsible_person="李明", deadline=deadline,
                          issue_order=index % 3 == 0, **who)
            if level == HazardLevel.MAJOR and stage >= 2:
                hazard_supervise(hazard=hazard.pk, actor=office, reason=DEMO_REASON)
            if stage == 1:
                continue  # 已交办
            parts = dict(goal_and_tasks="消除隐患，恢复安全条件", methods_and_measures="停产整改，加装联锁装置",
                         funds_and_materials="企业自筹 5 万元", organization_and_people="企业安全科，负责人李明",
                         timeline_and_requirements="十五日内完成", safety_and_emergency="整改期间停止相关作业，落实应急预案")
            hazard_plan(hazard=hazard.pk, actor=office, reason=DEMO_REASON, measures="按整改方案逐项整改",
                        deadline=deadline, responsible_person="李明", **(parts if level == HazardLevel.MAJOR else {}))
            if stage == 2:
                continue  # 整改中
            if level == HazardLevel.MAJOR:
                continue  # a major hazard's submission needs photos; leave it rectifying
            hazard_submit(hazard=hazard.pk, actor=office, reason=DEMO_REASON, text="已按要求整改完毕")
            if stage >= 4:
                hazard_verify(hazard=hazard.pk, actor=office, reason=DEMO_REASON)
    return created
