"""A month of 区应急管理局's work (March 2026) with every figure of 二、基本情况 known by hand."""

from __future__ import annotations

import datetime

import pytest

from cms.directory.models import TargetCategory, Village
from cms.records import save_record
from cms.roles import Role
from workflows.hazards.models import Hazard, HazardLevel
from workflows.hazards.services import hazard_register

from .builders import at, make_group, make_hazard, make_inspection


@pytest.fixture
def march(ref, users, make_target):
    d, s, j = ref["departments"], ref["sectors"], ref["jurisdictions"]
    v_gc = save_record(instance=Village(jurisdiction=j["拱辰街道"], name="拱辰东村"), actor=None, reason="测试数据")
    v_bg = save_record(instance=Village(jurisdiction=j["北高镇"], name="北高西村"), actor=None, reason="测试数据")
    cat = {c.code: c for c in TargetCategory.objects.all()}

    def target(name, jurisdiction, sectors, village=None, categories=()):
        t = make_target(name, jurisdiction=jurisdiction, sectors=sectors, village=village)
        t.categories.set([cat[c] for c in categories])
        return t

    t1 = target("荔园化工有限公司", "拱辰街道", ("危化品",), v_gc, ("small-micro",))
    t2 = target("东圳五金加工厂", "拱辰街道", ("工贸",), v_gc, ("workshop",))
    t3 = target("北高油漆经营部", "北高镇", ("危化品",), v_bg, ("hazchem-user",))
    t4 = target("北高气体充装站", "北高镇", ("危化品",))
    t5 = target("新度塑料制品厂", "新度镇", ("危化品",), None, ("small-micro",))
    t6 = target("新度安置房工地", "新度镇", ("建筑施工",))

    g1 = make_group("应急管理局危化品督导检查组", d["应急管理局"])
    g2 = make_group("应急管理局工贸督导检查组", d["应急管理局"])
    g3 = make_group("住建局建筑施工督导检查组", d["住建局"])
    i1 = make_inspection(g1, t1, datetime.date(2026, 3, 2))
    i2 = make_inspection(g1, t3, datetime.date(2026, 3, 10))
    i3 = make_inspection(g2, t4, datetime.date(2026, 3, 15))
    i4 = make_inspection(g2, t2, datetime.date(2026, 3, 28))
    other_department = make_inspection(g3, t6, datetime.date(2026, 3, 5))
    other_month = make_inspection(g1, t1, datetime.date(2026, 2, 27))

    h1 = make_hazard(t1, s["危化品"], inspection=i1, level=HazardLevel.MAJOR, prominent=True, description="储罐区未设置防火堤",
                     deadline=datetime.date(2026, 4, 30), responsible_person="林经理", rectification_measures="按标准设置防火堤")
    h2 = make_hazard(t1, s["危化品"], inspection=i1, description="安全警示标志缺失")
    h3 = make_hazard(t3, s["危化品"], inspection=i2, prominent=True, description="油漆与易燃物混存")
    h4 = make_hazard(t2, s["工贸"], inspection=i4, description="砂轮机防护罩缺失")
    h5 = hazard_register(actor=users[Role.DEPARTMENT], reason="检查人员补充", description="充装记录不全", target=t4,
                         sector=s["危化品"], source=Hazard.Source.MANUAL, found_at=at(2026, 3, 20))
    make_hazard(t6, s["建筑施工"], inspection=other_department, description="临边防护缺失")
    make_hazard(t1, s["危化品"], inspection=other_month, description="二月的隐患")
    return {"targets": [t1, t2, t3, t4, t5, t6], "groups": [g1, g2, g3], "inspections": [i1, i2, i3, i4],
            "hazards": [h1, h2, h3, h4, h5], "department": d["应急管理局"]}
