"""Demo hazards taken through the loop by the demo users, so every screen has something to show:
registered, assigned, rectifying, submitted, closed, overdue and supervised ones."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cms.directory.models import Department, Target

from .models import Hazard, HazardLevel
from .services import hazard_assign, hazard_plan, hazard_register, hazard_submit, hazard_supervise, hazard_verify

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


def load_loop_demo() -> int:
    """Create the demo hazards once (skipped when any exist). Returns how many were created."""
    if Hazard.objects.filter(legal_basis="演示数据").exists():
        return 0
    User = get_user_model()
    office = User.objects.filter(username="office_admin").first()
    department_user = User.objects.filter(username="dept_yjj").first()
    if office is None or department_user is None:
        return 0
    yjj = Department.objects.get(short_name="应急管理局")
    today = timezone.localdate()
    targets = list(Target.objects.filter(sectors__lead_departments=yjj).distinct().order_by("id")[:24])
    created = 0
    with transaction.atomic():
        for index, target in enumerate(targets):
            description, level = PROBLEMS[index % len(PROBLEMS)]
            sector = target.sectors.filter(lead_departments=yjj).first()
            hazard = hazard_register(actor=None, reason=DEMO_REASON, description=description, target=target, sector=sector,
                                     level=level, is_prominent=index % 7 == 0, legal_basis="演示数据",
                                     found_at=timezone.now() - datetime.timedelta(days=40 - index))
            created += 1
            stage = index % 6
            if stage == 0:
                continue  # 登记
            # the services refuse past deadlines, so "soon due" ones (today) turn overdue tomorrow
            due_soon = index % 5 == 1
            deadline = today if due_soon else today + datetime.timedelta(days=10 + index)
            hazard_assign(hazard=hazard, actor=office, reason=DEMO_REASON, responsible_kind=Hazard.ResponsibleKind.DEPARTMENT,
                          responsible_department=yjj, responsible_person="李明", deadline=deadline, issue_order=index % 3 == 0)
            if level == HazardLevel.MAJOR and stage >= 2:
                hazard_supervise(hazard=hazard.pk, actor=office, reason=DEMO_REASON)
            if stage == 1:
                continue  # 已交办
            parts = dict(goal_and_tasks="消除隐患，恢复安全条件", methods_and_measures="停产整改，加装联锁装置",
                         funds_and_materials="企业自筹 5 万元", organization_and_people="企业安全科，负责人李明",
                         timeline_and_requirements="十五日内完成", safety_and_emergency="整改期间停止相关作业，落实应急预案")
            hazard_plan(hazard=hazard.pk, actor=department_user, reason=DEMO_REASON, measures="按整改方案逐项整改",
                        deadline=deadline, responsible_person="李明", **(parts if level == HazardLevel.MAJOR else {}))
            if stage == 2:
                continue  # 整改中
            if level == HazardLevel.MAJOR:
                continue  # a major hazard's submission needs photos; leave it rectifying
            hazard_submit(hazard=hazard.pk, actor=department_user, reason=DEMO_REASON, text="已按要求整改完毕")
            if stage >= 4:
                hazard_verify(hazard=hazard.pk, actor=office, reason=DEMO_REASON)
    return created
