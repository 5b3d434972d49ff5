"""Demo data: targets in every jurisdiction and sector, and a user for every role."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from cms.records import save_record
from cms.roles import Role, ensure_role_groups

from .models import Department, Expert, Jurisdiction, Sector, Target, TargetCategory, UserProfile, Village

DEMO_REASON = "载入演示数据"
VILLAGE_NAMES = ["东村", "西村", "南社区", "北社区"]
EXPERTS = [
    ("林建国", "莆田市安全生产协会", "高级工程师", "危险化学品、工贸", ["hazchem", "industry-trade"]),
    ("陈美华", "福建省特种设备检验研究院莆田分院", "高级工程师", "电梯、锅炉、压力容器", ["special-equipment"]),
    ("黄志强", "莆田市消防协会", "注册消防工程师", "人员密集场所消防", ["fire"]),
    ("郑秀英", "莆田市建筑业协会", "注册安全工程师", "建筑施工、起重机械", ["construction"]),
    ("吴德明", "莆田市燃气协会", "工程师", "城镇燃气", ["gas"]),
]

# (username, role, department short name, jurisdiction name, display name)
DEMO_USERS = [
    ("office_admin", Role.OFFICE_ADMIN, "区安办", None, "区安办管理员（演示）"),
    ("office_editor", Role.OFFICE_EDITOR, "区安办", None, "区安办编辑（演示）"),
    ("dept_yjj", Role.DEPARTMENT, "应急管理局", None, "应急管理局用户（演示）"),
    ("dept_zjj", Role.DEPARTMENT, "住建局", None, "住建局用户（演示）"),
    ("town_gongchen", Role.JURISDICTION, None, "拱辰街道", "拱辰街道用户（演示）"),
    ("town_beigao", Role.JURISDICTION, None, "北高镇", "北高镇用户（演示）"),
    ("inspector_yjj", Role.INSPECTOR, "应急管理局", None, "应急管理局检查员（演示）"),
    ("auditor", Role.AUDITOR, "督查", None, "督查审计员（演示）"),
]


def load_demo(*, password: str | None = None) -> tuple[dict[str, int], str]:
    ensure_role_groups()
    password = password or secrets.token_urlsafe(9)
    counts = {"村居": 0, "专家": 0, "监管对象": 0, "用户": 0}
    with transaction.atomic():
        for jurisdiction in Jurisdiction.objects.all():
            for order, name in enumerate(VILLAGE_NAMES, start=1):
                full = f"{jurisdiction.name[:2]}{name}"
                if not Village.objects.filter(jurisdiction=jurisdiction, name=full).exists():
                    kind = Village.Kind.COMMUNITY if "社区" in name else Village.Kind.VILLAGE
                    save_record(instance=Village(jurisdiction=jurisdiction, name=full, kind=kind, sort_order=order), actor=None, reason=DEMO_REASON)
                    counts["村居"] += 1
        for name, org, title, specialty, sector_codes in EXPERTS:
            phone = f"1390594{len(name) * 1000 + sum(map(ord, name)) % 1000:04d}"
            if not Expert.objects.filter(name=name).exists():
                save_record(instance=Expert(name=name, organization=org, title=title, specialty=specialty, phone=phone),
                            actor=None, reason=DEMO_REASON, m2m={"sectors": list(Sector.objects.filter(code__in=sector_codes))})
                counts["专家"] += 1
        categories = list(TargetCategory.objects.filter(parent__isnull=False)) or list(TargetCategory.objects.all())
        sectors = list(Sector.objects.all())
        for j_index, jurisdiction in enumerate(Jurisdiction.objects.all()):
            villages = list(jurisdiction.villages.all())
            for s_index, sector in enumerate(sectors):
                name = f"{jurisdiction.name[:2]}{sector.name}示范单位"
                if Target.objects.filter(jurisdiction=jurisdiction, name=name).exists():
                    continue
                village = villages[s_index % len(villages)] if villages else None
                category = categories[(j_index + s_index) % len(categories)] if categories else None
                target = Target(name=name, jurisdiction=jurisdiction, village=village,
                                address=f"莆田市荔城区{jurisdiction.name}{village.name if village else ''}{s_index + 1}号",
                                contact_person="张三", contact_phone=f"0594-{2600000 + j_index * 100 + s_index}")
                save_record(instance=target, actor=None, reason=DEMO_REASON,
                            m2m={"sectors": [sector], "categories": [category] if category else []})
                counts["监管对象"] += 1
        User = get_user_model()
        for username, role, dept_short, jur_name, display in DEMO_USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, first_name=display, is_staff=False)
                counts["用户"] += 1
            user.set_password(password)
            user.save()
            user.groups.set([Group.objects.get(name=role.value)])
            profile = UserProfile.objects.filter(user=user).first() or UserProfile(user=user)
            profile.department = Department.objects.filter(short_name=dept_short).first() if dept_short else None
            profile.jurisdiction = Jurisdiction.objects.filter(name=jur_name).first() if jur_name else None
            save_record(instance=profile, actor=None, reason=DEMO_REASON)
    return counts, password
