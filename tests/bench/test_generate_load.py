"""generate_load at a tiny scale: realistic loop states, history chained, rerunnable without duplicates."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from cms.audit import chain
from cms.directory.models import Target
from workflows.hazards import models_tally
from workflows.hazards.models import Hazard, HazardState


def run(scale: str = "tiny", **kwargs) -> str:
    from io import StringIO

    out = StringIO()
    call_command("generate_load", scale=scale, stdout=out, **kwargs)
    return out.getvalue()


def verify_history_ok() -> None:
    for model in chain.history_models():
        assert chain.verify_model(model) is None, model
    # the dashboard's counts were added batch by batch with the hazards (bulk_create skips save())
    assert models_tally.mismatches() == {}
    assert sum(models_tally.stored_counts().values()) == Hazard.objects.count()


@pytest.mark.django_db
def test_tiny_scale_fills_loop_with_history_and_reruns_without_duplicates(ref):
    output = run()
    assert "行/秒" in output and "隐患 200/200" in output

    targets = Target.objects.filter(credit_code__startswith="91350304LD")
    hazards = Hazard.objects.filter(code__startswith="LD-")
    assert targets.count() == 50
    assert hazards.count() == 200
    assert all(t.sectors.exists() for t in targets[:10])

    states = Counter(hazards.values_list("state", flat=True))
    assert states[HazardState.CLOSED] > 100  # a real loop: most closed
    assert sum(v for k, v in states.items() if k != HazardState.CLOSED) > 0
    assert hazards.overdue().exists()
    assert hazards.filter(is_supervised=True).exists()
    ages = hazards.order_by("found_at").values_list("found_at", flat=True)
    assert (ages.last() - ages.first()).days > 180  # spread over the last year

    # every hazard's history walks its loop, the last row equals the row itself
    History = Hazard.history.model
    assert History.objects.filter(code__startswith="LD-").count() >= 200 * 3
    closed = hazards.filter(state=HazardState.CLOSED).first()
    rows = list(History.objects.filter(id=closed.id).order_by("history_id"))
    assert rows[0].history_type == "+" and rows[0].state == HazardState.REPORTED
    assert rows[-1].state == HazardState.CLOSED and rows[-1].version == closed.version == len(rows)
    assert all(r.history_change_reason.startswith("批量生成负载数据") and r.history_user_id for r in rows)
    assert [r.history_date for r in rows] == sorted(r.history_date for r in rows)
    verify_history_ok()

    history_count = History.objects.count()
    again = run()
    assert "写入 0 行" in again
    assert targets.count() == 50 and hazards.count() == 200
    assert History.objects.count() == history_count
    verify_history_ok()


@pytest.mark.django_db
def test_interrupted_run_resumes_where_it_stopped(ref):
    """Ctrl-C after two committed batches of 50: the rerun writes only the other 100 hazards,
    the same ones a single run writes (same seed), and the chain stays whole."""
    from cms.loadgen.generator import LoadGenerator

    messages: list[str] = []

    def write(message: str) -> None:
        messages.append(message)
        if message.startswith("隐患 100/"):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        LoadGenerator(scale="tiny", batch=50, write=write).run()
    assert Hazard.objects.filter(code__startswith="LD-").count() == 100
    verify_history_ok()

    resumed: list[str] = []
    LoadGenerator(scale="tiny", batch=50, write=resumed.append).run()
    assert not any(m.startswith(("隐患 50/", "隐患 100/")) for m in resumed)  # committed batches skipped
    assert any(m.startswith("隐患 200/") for m in resumed)
    codes = list(Hazard.objects.filter(code__startswith="LD-").values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == 200
    History = Hazard.history.model
    assert set(History.objects.filter(code__startswith="LD-").values_list("code", flat=True)) == set(codes)
    verify_history_ok()


@pytest.mark.django_db
def test_province_refused_on_sqlite(ref):
    if connection.vendor != "sqlite":
        pytest.skip("只在 SQLite 上检查（在 PostgreSQL 上 province 规模可以生成）")
    with pytest.raises(CommandError, match="只支持 PostgreSQL"):
        run("province")
