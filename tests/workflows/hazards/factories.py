"""Build hazards in any state of the loop, through the services (so history is real)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from cms.directory.models import Department, Sector
from workflows.hazards import services
from workflows.hazards.models import Hazard, HazardLevel, HazardState

GENERAL_PLAN = {"measures": "更换破损电线，加装漏电保护", "responsible_person": "张三", "funds": "5000元"}
MAJOR_PLAN = {
    **GENERAL_PLAN,
    "goal_and_tasks": "消除储罐区重大隐患", "methods_and_measures": "停用储罐，整改管线",
    "funds_and_materials": "企业自筹20万元", "organization_and_people": "企业安全科，李四",
    "timeline_and_requirements": "30日内完成", "safety_and_emergency": "整改期间停产，设警戒区，制定应急预案",
}


def register(actor, target, *, level=HazardLevel.GENERAL, description="配电箱电线老化破损", sector="危化品") -> Hazard:
    return services.hazard_register(actor=actor, reason="检查发现", description=description, target=target,
                                    sector=Sector.objects.get(name=sector), level=level)


def advance(hazard: Hazard, state: str, *, office, responsible, dept_short="应急管理局", supervise=False) -> Hazard:
    """Take ``hazard`` from 登记 to ``state`` the ordinary way; ``responsible`` is a user of the
    responsible department."""
    deadline = timezone.localdate() + datetime.timedelta(days=10)
    order = [HazardState.ASSIGNED, HazardState.RECTIFYING, HazardState.SUBMITTED, HazardState.CLOSED]
    if state == HazardState.REPORTED:
        return hazard
    services.hazard_assign(hazard=hazard, actor=office, reason="交办", responsible_kind=Hazard.ResponsibleKind.DEPARTMENT,
                           responsible_department=Department.objects.get(short_name=dept_short),
                           responsible_person="王五", deadline=deadline)
    if supervise:
        services.hazard_supervise(hazard=hazard, actor=office, reason="挂牌督办")
    if order.index(state) >= 1:
        plan = MAJOR_PLAN if hazard.level == HazardLevel.MAJOR else GENERAL_PLAN
        services.hazard_plan(hazard=hazard, actor=responsible, reason="制定方案", deadline=deadline, **plan)
    if order.index(state) >= 2:
        photos = [png_upload()] if hazard.level == HazardLevel.MAJOR else []
        services.hazard_submit(hazard=hazard, actor=responsible, reason="整改完成", text="已更换电线", photos=photos)
    if order.index(state) >= 3:
        services.hazard_verify(hazard=hazard, actor=office, reason="复核通过")
    hazard.refresh_from_db()
    assert hazard.state == state
    return hazard


def png_upload(name: str = "after.png"):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")
