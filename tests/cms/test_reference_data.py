from django.core.management import call_command

from cms.audit import chain
from cms.directory import reference
from cms.directory.models import Department, Jurisdiction, Sector, SpecialAssignment, TargetCategory


def test_reference_data_holds_the_notice_directory(ref):
    appendix1 = "区发改局、工信局、教育局、公安分局、交警大队、民宗局、民政局、自然资源局、生态环境局、住建局、交通运输局、水利局、农业农村局、商务局、文旅局、卫健局、应急管理局、市场监管局、城管执法局、消防救援大队"
    shorts = [s.removeprefix("区") for s in appendix1.split("、")]
    assert set(Department.objects.filter(kind="department").values_list("short_name", flat=True)) == set(shorts)
    assert Department.objects.filter(short_name__in=["区安办", "督查", "效能"]).count() == 3
    assert list(Jurisdiction.objects.values_list("name", flat=True)) == [
        "拱辰街道", "镇海街道", "西天尾镇", "黄石镇", "新度镇", "北高镇", "黄石工业园区", "西天尾工业园区"]
    key = set(Sector.objects.filter(is_key=True).values_list("name", flat=True))
    assert key == {"道路交通", "消防", "燃气", "危化品", "建筑施工", "工贸", "旅游", "水上交通运输与渔业船舶", "特种设备"}
    # every department of 附件1 leads at least one sector (管行业必须管安全)
    for dept in Department.objects.filter(kind="department"):
        assert dept.led_sectors.exists(), dept.name
    pairs = {(a.department.short_name, a.jurisdiction.name) for a in SpecialAssignment.objects.select_related("department", "jurisdiction")}
    assert pairs == set(reference.SPECIAL_ASSIGNMENTS)
    assert SpecialAssignment.objects.filter(jurisdiction__name="拱辰街道").count() == 2
    three = TargetCategory.objects.get(name="三场所一企业")
    assert set(three.children.values_list("name", flat=True)) == {"有限空间作业场所", "涉及可燃爆粉尘作业场所", "喷涂作业场所", "涉氨制冷企业"}


def test_reference_data_is_idempotent_and_recorded_in_history(ref):
    counts = {m: m.objects.count() for m in (Department, Jurisdiction, Sector, SpecialAssignment, TargetCategory)}
    history = {m: m.history.count() for m in counts}
    call_command("load_reference_data")
    assert {m: m.objects.count() for m in counts} == counts
    assert {m: m.history.count() for m in counts} == history
    record = Department.history.filter(short_name="应急管理局").get()
    assert record.history_change_reason.startswith("载入通知名录")
    assert chain.verify_model(Department.history.model) is None


def test_editor_changes_survive_a_second_load(ref):
    from cms.records import save_record

    sector = Sector.objects.get(name="燃气")
    zjj = Department.objects.get(short_name="住建局")
    save_record(instance=sector, actor=None, reason="调整牵头单位", m2m={"lead_departments": [zjj]})
    call_command("load_reference_data")
    assert list(Sector.objects.get(name="燃气").lead_departments.all()) == [zjj]
