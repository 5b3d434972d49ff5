"""Export of the target listing (Wagtail ``list_export``): Chinese headers and values, scoped,
and an exported sheet imports again unchanged."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from cms.directory.importing import import_targets
from cms.directory.models import Target, TargetCategory
from cms.roles import Role

from .xlsx import HEADER

LIST = "wagtailsnippets_directory_target:list"


def test_csv_export_has_chinese_headers_and_labels(client, users, make_target):
    make_target("某某液氨制冷有限公司", sectors=("工贸", "危化品"), contact_phone="0594-2600001",
                credit_code="91350304MA2XY01234")
    client.force_login(users[Role.OFFICE_EDITOR])
    response = client.get(reverse(LIST), {"export": "csv"})
    assert response.status_code == 200
    assert "filename*=UTF-8''%E7%9B%91%E7%AE%A1%E5%AF%B9%E8%B1%A1.csv" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")  # so that Excel reads the Chinese as UTF-8
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:11] == HEADER
    assert rows[0][11:] == ["在管", "更新时间"]
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["名称"] == "某某液氨制冷有限公司"
    assert row["对象类型"] == "生产经营单位"
    assert row["属地"] == "拱辰街道"
    assert set(row["行业领域"].split("、")) == {"工贸", "危化品"}
    assert row["在管"] == "是"


def test_xlsx_export_is_scoped_and_imports_back_unchanged(client, users, make_target):
    category = TargetCategory.objects.get(name="涉氨制冷企业")
    target = make_target("拱辰冷库", sectors=("工贸",), address="拱辰路 1 号")
    target.categories.set([category])
    make_target("北高燃气站", jurisdiction="北高镇", sectors=("燃气",))
    client.force_login(users[Role.JURISDICTION])  # 拱辰街道 only
    response = client.get(reverse(LIST), {"export": "xlsx"})
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(data)).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0][:11]) == HEADER
    assert [r[0] for r in values[1:]] == ["拱辰冷库"]
    assert values[1][6] == "涉氨制冷企业"
    history = Target.history.count()
    report = import_targets(file=SimpleUploadedFile("导出.xlsx", data), filename="导出.xlsx", actor=users[Role.OFFICE_EDITOR])
    assert (report.created, report.updated, report.unchanged, report.errors) == (0, 0, 1, [])
    assert Target.history.count() == history
