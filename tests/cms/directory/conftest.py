import pytest


@pytest.fixture
def four_targets(make_target):
    """Targets placed so that each non-office role sees a different pair:
    应急管理局 leads 危化品; 住建局 leads 建筑施工; 城管执法局 leads 燃气."""
    return {
        "gc_hazchem": make_target("拱辰危化品仓储有限公司", jurisdiction="拱辰街道", sectors=("危化品",)),
        "bg_hazchem": make_target("北高危化品经营部", jurisdiction="北高镇", sectors=("危化品",)),
        "gc_site": make_target("拱辰安置房建设工地", jurisdiction="拱辰街道", sectors=("建筑施工",)),
        "bg_gas": make_target("北高燃气供应站", jurisdiction="北高镇", sectors=("燃气",)),
    }
