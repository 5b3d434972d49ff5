#!/usr/bin/env python
"""The hazard history export (/api/v1/exports/hazard-history/) at 200,000 rows: rows per second
and peak memory, through the same code as the endpoint (queryset → row tuples in chunks →
openpyxl write-only workbook in a temporary file).

Uses its own SQLite database (``BENCH_DATABASE_URL``, default /tmp/bench-history-export.sqlite3)
filled once with 1,000 hazards and their history rows; re-runs reuse it.

    .venv/bin/python bench/history_export.py [--rows 200000]
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", "sqlite:////tmp/bench-history-export.sqlite3")
os.environ["DJANGO_SETTINGS_MODULE"] = "cms.settings.test"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from cms.directory.models import Department, Jurisdiction, Sector, Target  # noqa: E402
from exports.http import spooled_file  # noqa: E402
from exports.selectors import hazard_history_queryset, history_rows  # noqa: E402
from exports.xlsx import write_history_xlsx  # noqa: E402
from workflows.hazards.models import Hazard  # noqa: E402


def reset_peak_rss() -> None:
    """Linux keeps a process's peak RSS across fork and exec (``ru_maxrss``), so a child of a large
    parent starts with the parent's peak; writing 5 to clear_refs resets this process's VmHWM."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def peak_rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ensure_data(rows: int) -> None:
    call_command("migrate", verbosity=0)
    if not Department.objects.exists():
        from cms.directory.services import load_reference_data

        load_reference_data()
    history = Hazard.history.model
    have = history.objects.count()
    if have >= rows:
        return
    jurisdiction = Jurisdiction.objects.first()
    sector = Sector.objects.get(name="危化品")
    target, _ = Target.objects.get_or_create(name="压测企业", jurisdiction=jurisdiction)
    target.sectors.add(sector)
    if Hazard.objects.count() < 1000:
        Hazard.objects.bulk_create([
            Hazard(code=f"BENCH-{i:06d}", description=f"压测隐患{i}：消防通道堵塞，安全出口锁闭", sector=sector, target=target,
                   jurisdiction=jurisdiction, deadline=timezone.localdate()) for i in range(Hazard.objects.count(), 1000)])
    hazards = list(Hazard.objects.values_list("pk", "code", "description", "sector_id", "target_id", "jurisdiction_id"))
    now = timezone.now()
    batch = []
    for n in range(have, rows):
        pk, code, description, sector_id, target_id, jurisdiction_id = hazards[n % len(hazards)]
        batch.append(history(
            id=pk, code=code, description=description, level="general", is_prominent=False, state="rectifying",
            sector_id=sector_id, target_id=target_id, jurisdiction_id=jurisdiction_id, source="inspection", legal_basis="",
            found_at=now, responsible_kind="", responsible_person="张三", rectification_measures="清理", is_supervised=False,
            version=1, created_at=now, updated_at=now, history_date=now - timezone.timedelta(seconds=rows - n),
            history_type="~", history_change_reason=f"压测变更{n}", ip_address="127.0.0.1", deadline=timezone.localdate()))
        if len(batch) == 5000:
            history.objects.bulk_create(batch)
            batch = []
    if batch:
        history.objects.bulk_create(batch)


def export(limit: int) -> int:
    ids = Hazard.history.order_by("history_date", "history_id").values_list("history_id", flat=True)[:limit]
    queryset = hazard_history_queryset(start=None, end=None, department_id=None, jurisdiction_id=None, hazard_id=None,
                                       visible_hazards=None).filter(history_id__lte=max(ids))
    handle = spooled_file()
    count = write_history_xlsx(handle, history_rows(queryset))
    handle.seek(0, 2)
    export.size = handle.tell()
    handle.close()
    return count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args()
    started = time.perf_counter()
    ensure_data(args.rows)
    print(f"数据准备 {time.perf_counter() - started:.0f} s（{Hazard.history.count()} 行历史，数据库 {os.environ['DATABASE_URL']}）\n")
    gc.collect()
    reset_peak_rss()
    rss_before = peak_rss_mib()
    started = time.perf_counter()
    count = export(args.rows)
    seconds = time.perf_counter() - started
    rss_after = peak_rss_mib()
    gc.collect()
    tracemalloc.start()
    export(args.rows)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print("| 行数 | 用时 (s) | 行/秒 | tracemalloc 峰值 (MiB) | 进程最大 RSS 前/后 (MiB) | 文件 (MiB) |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    print(f"| {count} | {seconds:.1f} | {count / seconds:,.0f} | {peak / 1024 / 1024:.1f} | {rss_before:.0f} / {rss_after:.0f} | "
          f"{export.size / 1024 / 1024:.1f} |")


if __name__ == "__main__":
    main()
