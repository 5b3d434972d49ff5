"""The admin home's overview and charts, by role, drawn inline (no CDN)."""

from __future__ import annotations

import datetime

import pytest

from cms.dashboard import heat_map, rate_bars, stacked_bars
from cms.roles import Role
from tests.exports.builders import set_fields
from workflows.assessment.dashboard import by_sector_and_state, jurisdiction_sector_matrix, month_counts, rectification_by_month
from workflows.hazards.models import HazardState

pytestmark = pytest.mark.django_db


def test_chart_markup_escapes_and_scales():
    svg = stacked_bars(["危化品", "<工贸>"], ["登记", "已销号"], {"危化品": {"登记": 3, "已销号": 1}, "<工贸>": {"登记": 2}}, title="图")
    assert svg.startswith("<svg") and "&lt;工贸&gt;" in svg and "<工贸>" not in svg
    assert "危化品 · 登记：3" in svg and ">4</text>" in svg
    bars = rate_bars(["1月", "2月"], [0.5, None], [4, 0], title="率")
    assert "50%" in bars and "0项" in bars
    table = heat_map(["拱辰街道"], ["危化品", "消防"], {("拱辰街道", "危化品"): 2}, title="热力图")
    assert 'title="拱辰街道 · 危化品：2"' in table and 'title="拱辰街道 · 消防：0"' in table
    assert "暂无数据" in stacked_bars([], [], {}, title="空")


def test_figures_follow_the_users_scope(march, users):
    h1 = march["hazards"][0]
    set_fields(h1, deadline=datetime.date(2026, 3, 20), is_supervised=True, state=HazardState.RECTIFYING)
    today = datetime.date(2026, 3, 31)
    office = month_counts(users[Role.OFFICE_EDITOR], today)
    assert office == {"inspections": 5, "found": 6, "major": 1, "prominent": 2, "closed": 0, "overdue": 1, "supervised": 1, "open": 7}
    town = month_counts(users[Role.JURISDICTION], today)  # 拱辰街道: h1, h2, h4
    assert (town["found"], town["overdue"], town["inspections"]) == (3, 1, 2)
    sectors, states, values = by_sector_and_state(users[Role.DEPARTMENT])  # 应急管理局: 危化品 and 工贸
    assert sectors == ["危化品", "工贸"] and values["危化品"] == {"登记": 4, "整改中": 1} and values["工贸"] == {"登记": 1}
    set_fields(march["hazards"][1], state=HazardState.CLOSED)
    labels, rates, counts = rectification_by_month(users[Role.OFFICE_EDITOR], today)
    assert labels[-3:] == ["1月", "2月", "3月"] and len(labels) == 12
    assert counts[-3:] == [0, 1, 6] and rates[-3:] == [None, 0.0, 1 / 6]
    rows, columns, matrix = jurisdiction_sector_matrix(users[Role.OFFICE_EDITOR])
    assert rows == ["拱辰街道", "新度镇", "北高镇"] and matrix[("北高镇", "危化品")] == 2
    # every open hazard is in one cell: the map adds up to the open tile (h2 was closed above)
    assert sum(matrix.values()) == month_counts(users[Role.OFFICE_EDITOR], today)["open"] == 6


def test_admin_home_shows_the_panels_without_external_scripts(march, users, client):
    client.force_login(users[Role.DEPARTMENT])
    html = client.get("/admin/").content.decode()
    assert "本月概况：逾期与挂牌督办" in html and "隐患图表" in html and "<svg" in html
    assert "cdn." not in html.lower() and "unpkg" not in html.lower() and "jsdelivr" not in html.lower()
