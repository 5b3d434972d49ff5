"""Excel import of supervised targets: the service, the admin page and the API endpoint."""

import io
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from cms.directory import importing
from cms.directory.importing import MODE_ALL_OR_NOTHING, MODE_GOOD_ROWS, import_targets
from cms.directory.models import Target, TargetCategory, Village
from cms.errors import InvalidInput, NotAllowed
from cms.records import save_record
from cms.roles import Role

from .xlsx import HEADER, row, xlsx_bytes

IMPORT_URL = "/api/v1/targets/import/"


def upload(data: bytes, name: str = "监管对象.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=importing.XLSX_CONTENT_TYPE)


@pytest.fixture
def village(ref):
    return save_record(instance=Village(jurisdiction=ref["jurisdictions"]["拱辰街道"], name="拱辰东村"), actor=None, reason="测试")


@pytest.fixture
def office(users):
    return users[Role.OFFICE_EDITOR]


GOOD = [
    row("某某液氨制冷有限公司", code="91350304MA2XY01234", kind="生产经营单位", village="拱辰东村", sectors="工贸、危化品",
        categories="涉氨制冷企业、小微企业", address="拱辰街道东大道 1 号", person="王五", phone=13905940001, note="重点"),
    row("新度安置房工地", jurisdiction="新度镇", kind="工程项目现场", sectors="建筑施工", phone="0594-2600001"),
    row("北高加气站", jurisdiction="北高镇", sectors="燃气，特种设备"),
]


def test_a_good_file_creates_every_row_with_history(office, village):
    report = import_targets(file=upload(xlsx_bytes(GOOD)), filename="名录.xlsx", actor=office)
    assert report.imported and not report.errors
    assert (report.total_rows, report.created, report.updated) == (3, 3, 0)
    target = Target.objects.get(name="某某液氨制冷有限公司")
    assert target.credit_code == "91350304MA2XY01234"
    assert target.village == village
    assert {s.name for s in target.sectors.all()} == {"工贸", "危化品"}
    assert {c.name for c in target.categories.all()} == {"涉氨制冷企业", "小微企业"}
    assert target.contact_phone == "13905940001"  # a number cell becomes text, without ".0"
    assert Target.objects.get(name="新度安置房工地").kind == Target.Kind.PROJECT
    assert {s.name for s in Target.objects.get(name="北高加气站").sectors.all()} == {"燃气", "特种设备"}
    record = target.history.first()
    assert record.history_change_reason == "Excel 导入：名录.xlsx"
    assert record.history_user == office


def test_importing_the_same_file_again_updates_and_changes_nothing(office, village):
    import_targets(file=upload(xlsx_bytes(GOOD)), filename="a.xlsx", actor=office)
    history = Target.history.count()
    report = import_targets(file=upload(xlsx_bytes(GOOD)), filename="a.xlsx", actor=office)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert Target.history.count() == history
    changed = [list(r) for r in GOOD]
    changed[1][7] = "新度镇新址"
    report = import_targets(file=upload(xlsx_bytes(changed)), filename="b.xlsx", actor=office)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    assert Target.objects.get(name="新度安置房工地").address == "新度镇新址"
    assert Target.objects.count() == 3


BAD = [
    GOOD[0],
    row("", sectors="危化品"),  # row 3: no name
    row("不存在属地的公司", jurisdiction="火星镇"),  # row 4
    row("未知行业公司", sectors="危化品、航天"),  # row 5
    row("电话错误公司", phone="call me"),  # row 6
    row("名" * 101),  # row 7: name too long
    GOOD[1],  # row 8: good
    row("某某液氨制冷有限公司", sectors="工贸"),  # row 9: same name in the same jurisdiction as row 2
    row("错误类型公司", kind="工厂"),  # row 10
    row("村居错误公司", village="不存在村"),  # row 11
    row("信用代码错误公司", code="123"),  # row 12
]


def errors_by_row(report) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    for e in report.errors:
        out.setdefault(e.row, set()).add(e.column)
    return out


EXPECTED_BAD = {3: {"名称"}, 4: {"属地"}, 5: {"行业领域"}, 6: {"联系电话"}, 7: {"名称"}, 9: {"名称"}, 10: {"对象类型"},
                11: {"村居"}, 12: {"统一社会信用代码"}}


def test_all_or_nothing_writes_nothing_when_any_row_is_bad_and_reports_every_bad_row(office, village):
    before = (Target.objects.count(), Target.history.count())
    report = import_targets(file=upload(xlsx_bytes(BAD)), filename="bad.xlsx", actor=office, mode=MODE_ALL_OR_NOTHING)
    assert not report.imported
    assert (Target.objects.count(), Target.history.count()) == before
    assert errors_by_row(report) == EXPECTED_BAD
    assert report.failed_rows == sorted(EXPECTED_BAD)
    assert report.created == 0
    messages = {e.row: e.message for e in report.errors}
    assert "火星镇" in messages[4]
    assert "航天" in messages[5]
    assert "与第 2 行重复" in messages[9]
    assert "未导入任何数据" in report.summary


def test_good_rows_mode_writes_the_good_rows_and_lists_the_bad(office, village):
    report = import_targets(file=upload(xlsx_bytes(BAD)), filename="bad.xlsx", actor=office, mode=MODE_GOOD_ROWS)
    assert report.imported
    assert report.created == 2
    assert set(Target.objects.values_list("name", flat=True)) == {"某某液氨制冷有限公司", "新度安置房工地"}
    assert errors_by_row(report) == EXPECTED_BAD
    assert "第 3、4、5" in report.summary


def test_a_bad_row_that_only_the_database_catches_is_reported_not_raised(office, make_target):
    make_target("已有公司", jurisdiction="黄石镇", credit_code="91350304MA2XY09999")
    rows = [row("另一家公司", jurisdiction="北高镇", code="91350304MA2XY09999", sectors="工贸"), GOOD[2]]
    # the code matches 已有公司 -> that row updates it (moving it to 北高镇), not a duplicate
    report = import_targets(file=upload(xlsx_bytes(rows)), filename="x.xlsx", actor=office, mode=MODE_GOOD_ROWS)
    assert report.updated == 1 and report.created == 1
    assert Target.objects.get(credit_code="91350304MA2XY09999").name == "另一家公司"
    make_target("黄石某厂", jurisdiction="黄石镇")
    rows = [row("黄石某厂", jurisdiction="黄石镇", code="91350304MA2XY09999")]  # code belongs to another target
    report = import_targets(file=upload(xlsx_bytes(rows)), filename="y.xlsx", actor=office, mode=MODE_GOOD_ROWS)
    assert not report.created and report.errors


def test_columns_are_found_by_header_in_any_order_and_extra_columns_are_ignored(office):
    header = ["行业领域", "属地", "名称（必填）", "无关列"]
    report = import_targets(file=upload(xlsx_bytes([["消防", "镇海街道", "镇海商场", "x"]], header=header)), filename="o.xlsx", actor=office)
    assert report.created == 1
    assert Target.objects.get(name="镇海商场").jurisdiction.name == "镇海街道"


def test_a_header_without_required_columns_is_refused(office):
    with pytest.raises(InvalidInput) as exc:
        import_targets(file=upload(xlsx_bytes([["a", "b"]], header=["名称", "地址"])), filename="h.xlsx", actor=office)
    assert "缺少必填列：属地、行业领域" in exc.value.message


def test_a_file_without_data_rows_is_refused(office):
    with pytest.raises(InvalidInput, match="没有数据行"):
        import_targets(file=upload(xlsx_bytes([])), filename="e.xlsx", actor=office)


@pytest.mark.parametrize("data, message", [
    (b"name,jurisdiction\n\xe6\x9f\x90\xe5\x85\xac\xe5\x8f\xb8,x\n", "不是 Excel"),
    (b"%PDF-1.4 fake", "不是 Excel"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "旧版 .xls"),
    (b"", "空的"),
])
def test_non_excel_files_are_refused_with_a_chinese_message(office, data, message):
    with pytest.raises(InvalidInput) as exc:
        import_targets(file=upload(data, "名录.xlsx"), filename="名录.xlsx", actor=office)
    assert message in exc.value.message
    assert Target.objects.count() == 0


def test_a_broken_zip_is_refused(office):
    good = xlsx_bytes(GOOD)
    with pytest.raises(InvalidInput, match="损坏"):
        import_targets(file=upload(good[: len(good) // 2]), filename="cut.xlsx", actor=office)
    # a valid zip that is not a workbook
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "你好")
    with pytest.raises(InvalidInput, match="不是 Excel"):
        import_targets(file=upload(buffer.getvalue()), filename="zip.xlsx", actor=office)
    # a zip that says it is a workbook but whose sheet is garbage
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(buffer, "w") as archive:
        for item in source.infolist():
            data = source.read(item.filename)
            archive.writestr(item, b"<not xml" if item.filename.startswith("xl/worksheets/") else data)
    with pytest.raises(InvalidInput, match="损坏"):
        import_targets(file=upload(buffer.getvalue()), filename="garbage.xlsx", actor=office)


def test_an_oversized_file_is_refused_before_it_is_read(office, settings):
    settings.UPLOAD_MAX_EXCEL_BYTES = 4096
    data = xlsx_bytes([row(f"公司{i}", address="地址" * 40) for i in range(200)])
    assert len(data) > 4096
    with pytest.raises(InvalidInput, match="文件过大"):
        import_targets(file=upload(data), filename="big.xlsx", actor=office)


def test_too_many_rows_are_refused(office, settings):
    settings.UPLOAD_MAX_EXCEL_ROWS = 5
    with pytest.raises(InvalidInput, match="最多导入 5 行"):
        import_targets(file=upload(xlsx_bytes([row(f"公司{i}") for i in range(6)])), filename="rows.xlsx", actor=office)


@pytest.mark.parametrize("role", [Role.DEPARTMENT, Role.JURISDICTION, Role.INSPECTOR, Role.AUDITOR])
def test_only_the_office_may_import(users, role):
    with pytest.raises(NotAllowed):
        import_targets(file=upload(xlsx_bytes(GOOD)), filename="a.xlsx", actor=users[role])


def test_the_template_has_the_documented_columns_and_lists_the_valid_values(ref, village):
    workbook = load_workbook(io.BytesIO(importing.build_template()))
    assert workbook.sheetnames[0] == "监管对象"
    assert [c.value for c in workbook["监管对象"][1]] == HEADER
    values = workbook["可选值"]
    column = {values.cell(row=1, column=c).value: [values.cell(row=r, column=c).value for r in range(2, values.max_row + 1)]
              for c in range(1, values.max_column + 1)}
    assert "拱辰街道" in column["属地"] and "危化品" in column["行业领域"] and "涉氨制冷企业" in column["类别标签"]
    assert "拱辰街道/拱辰东村" in column["村居（属地/村居）"]
    assert "填写说明" in workbook.sheetnames


def test_a_filled_in_template_imports(office, village):
    workbook = load_workbook(io.BytesIO(importing.build_template()))
    workbook["监管对象"].append(row("模板填写公司", village="拱辰街道/拱辰东村", sectors="消防"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = import_targets(file=upload(buffer.getvalue()), filename="模板.xlsx", actor=office)
    assert report.created == 1 and Target.objects.get(name="模板填写公司").village == village


# -- API -------------------------------------------------------------------------------------


def test_api_import_returns_the_report(api_for, office, village):
    response = api_for(office).post(IMPORT_URL, {"file": upload(xlsx_bytes(GOOD)), "mode": "all_or_nothing"}, format="multipart")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["imported"] is True and body["created"] == 3 and body["errors"] == []
    imported = Target.history.filter(history_change_reason="Excel 导入：监管对象.xlsx", history_user=office)
    assert set(imported.values_list("id", flat=True)) == set(Target.objects.values_list("id", flat=True))


def test_api_import_all_or_nothing_failure_is_400_with_the_rows(api_for, office, village):
    response = api_for(office).post(IMPORT_URL, {"file": upload(xlsx_bytes(BAD))}, format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert body["imported"] is False and body["failed_rows"] == sorted(EXPECTED_BAD)
    assert {"row": 4, "column": "属地"}.items() <= next(e for e in body["errors"] if e["row"] == 4).items()
    assert Target.objects.count() == 0


def test_api_import_good_rows_mode(api_for, office, village):
    response = api_for(office).post(IMPORT_URL, {"file": upload(xlsx_bytes(BAD)), "mode": "good_rows"}, format="multipart")
    assert response.status_code == 200
    assert response.json()["created"] == 2 and Target.objects.count() == 2


def test_api_import_refuses_bad_files_and_modes_in_chinese(api_for, office, settings):
    client = api_for(office)
    response = client.post(IMPORT_URL, {"file": upload(b"not excel at all", "a.xlsx")}, format="multipart")
    assert response.status_code == 400 and "不是 Excel" in response.json()["detail"]
    response = client.post(IMPORT_URL, {"file": upload(xlsx_bytes(GOOD)), "mode": "whatever"}, format="multipart")
    assert response.status_code == 400 and "mode" in response.json()["errors"]
    response = client.post(IMPORT_URL, {}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()["errors"]
    settings.UPLOAD_MAX_EXCEL_BYTES = 1024
    response = client.post(IMPORT_URL, {"file": upload(xlsx_bytes(GOOD))}, format="multipart")
    assert response.status_code == 400 and "文件过大" in response.json()["detail"]


@pytest.mark.parametrize("role", [Role.DEPARTMENT, Role.JURISDICTION, Role.INSPECTOR, Role.AUDITOR])
def test_api_import_is_forbidden_for_other_roles(api_for, users, role):
    response = api_for(users[role]).post(IMPORT_URL, {"file": upload(xlsx_bytes(GOOD))}, format="multipart")
    assert response.status_code == 403
    assert Target.objects.count() == 0


def test_api_serves_the_template(api_for, users):
    response = api_for(users[Role.OFFICE_EDITOR]).get("/api/v1/targets/import-template/")
    assert response.status_code == 200
    assert response["Content-Type"] == importing.XLSX_CONTENT_TYPE
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert load_workbook(io.BytesIO(response.content))["监管对象"]["A1"].value == "名称"


# -- admin page --------------------------------------------------------------------------------

ADMIN_IMPORT = "wagtailsnippets_directory_target:import"


def test_admin_import_page_is_linked_from_the_listing_and_shows_the_report(client, office, village):
    client.force_login(office)
    listing = client.get(reverse("wagtailsnippets_directory_target:list")).content.decode()
    assert reverse(ADMIN_IMPORT) in listing
    page = client.get(reverse(ADMIN_IMPORT))
    assert page.status_code == 200 and "导入监管对象" in page.content.decode()
    response = client.post(reverse(ADMIN_IMPORT), {"file": upload(xlsx_bytes(BAD), "坏文件.xlsx"), "mode": "all_or_nothing"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "未导入任何数据" in html and "第 4 行" in html and "火星镇" in html
    assert Target.objects.count() == 0
    response = client.post(reverse(ADMIN_IMPORT), {"file": upload(xlsx_bytes(BAD), "坏文件.xlsx"), "mode": "good_rows"})
    html = response.content.decode()
    assert "新增 2 条" in html and "第 12 行" in html
    assert Target.objects.count() == 2


def test_admin_import_shows_file_errors_on_the_form(client, office):
    client.force_login(office)
    response = client.post(reverse(ADMIN_IMPORT), {"file": upload(b"hello", "x.xlsx"), "mode": "all_or_nothing"})
    assert response.status_code == 200
    assert "不是 Excel" in response.content.decode()


@pytest.mark.parametrize("role", [Role.DEPARTMENT, Role.JURISDICTION, Role.AUDITOR])
def test_admin_import_page_is_forbidden_for_read_only_roles(client, users, role):
    client.force_login(users[role])
    assert client.get(reverse(ADMIN_IMPORT)).status_code == 403
    assert client.post(reverse(ADMIN_IMPORT), {"file": upload(xlsx_bytes(GOOD)), "mode": "good_rows"}).status_code == 403
    assert client.get(reverse("wagtailsnippets_directory_target:import_template")).status_code == 403
    assert reverse(ADMIN_IMPORT) not in client.get(reverse("wagtailsnippets_directory_target:list")).content.decode()
    assert Target.objects.count() == 0


@pytest.mark.slow
def test_import_speed_of_2000_rows(office, ref, capsys):
    """Measured once for the report; asserts only that it finishes and imports everything."""
    jurisdictions = list(ref["jurisdictions"])
    sectors = list(ref["sectors"])
    rows = [row(f"测速企业{i:04d}", jurisdiction=jurisdictions[i % len(jurisdictions)], sectors=sectors[i % len(sectors)],
                categories=TargetCategory.objects.first().name, address=f"测试路 {i} 号", phone=f"0594-{2600000 + i}")
            for i in range(2000)]
    data = xlsx_bytes(rows)
    start = time.perf_counter()
    report = import_targets(file=upload(data), filename="2000.xlsx", actor=office)
    seconds = time.perf_counter() - start
    assert report.created == 2000 and not report.errors
    with capsys.disabled():
        print(f"\n[import speed] 2000 rows in {seconds:.1f} s = {2000 / seconds:.0f} rows/s ({len(data) // 1024} KB)")


def test_one_history_row_per_target_with_its_sectors_and_categories(office, village):
    from io import StringIO

    from django.core.management import call_command

    import_targets(file=upload(xlsx_bytes(GOOD)), filename="名录.xlsx", actor=office)
    target = Target.objects.get(name="某某液氨制冷有限公司")
    (created,) = target.history.all()
    assert created.history_type == "+" and created.history_user == office
    assert {s.sector.name for s in created.sectors.all()} == {"工贸", "危化品"}  # the m2m snapshot of that row
    assert {c.targetcategory.name for c in created.categories.all()} == {"涉氨制冷企业", "小微企业"}
    # a change of sectors only: one more row, with the new snapshot
    changed = [row("某某液氨制冷有限公司", code="91350304MA2XY01234", kind="生产经营单位", village="拱辰东村", sectors="危化品",
                   categories="涉氨制冷企业、小微企业", address="拱辰街道东大道 1 号", person="王五", phone=13905940001, note="重点")]
    import_targets(file=upload(xlsx_bytes(changed)), filename="名录2.xlsx", actor=office)
    latest, first = target.history.all()[:2]
    assert target.history.count() == 2 and latest.history_type == "~" and first.pk == created.pk
    assert {s.sector.name for s in latest.sectors.all()} == {"危化品"}
    out = StringIO()
    call_command("verify_history", stdout=out)  # exits non-zero on a broken chain
    assert "✓ directory_historicaltarget：4 行完好" in out.getvalue(), out.getvalue()  # 3 imported + 1 change
