#!/usr/bin/env python
"""Benchmarks of issue 7, in one run so that ratios are measured side by side on this noisy
machine. Prints one table per section and saves them to bench/out/results-<time>.json.

    make bench                                 # DATABASE_URL (PostgreSQL) or the SQLite default
    .venv/bin/python bench/run.py --sections api,search,admin,gunicorn --repeat 30
    .venv/bin/python bench/run.py --ensure-scale city   # generate_load first (resumable)

Sections: ``api`` (list endpoints vs the bare ORM query, query counts per page size),
``search`` (Chinese substring search: trigram index vs sequential scan, PostgreSQL),
``admin`` (admin listings' server time), ``gunicorn`` (4 workers, 16 client threads: GETs
and hazard transitions; then the same load over two servers on two ports), ``exports``
(bench/word_export.py and bench/history_export.py when present). Everything runs on
127.0.0.1, is bounded in time and stops by itself.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import queue
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import tracemalloc
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import django  # noqa: E402

django.setup()

from django.apps import apps  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import URLPattern, URLResolver, get_resolver, reverse  # noqa: E402

from cms.api.router import router  # noqa: E402
from cms.directory.models import Target  # noqa: E402

RESULTS: dict[str, object] = {}
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable


# --- helpers -----------------------------------------------------------------------------------
def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def pct(samples: list[float], p: int) -> float:
    if len(samples) < 2:
        return (samples[0] if samples else 0.0) * 1000
    return statistics.quantiles(samples, n=100, method="inclusive")[p - 1] * 1000


def table(title: str, header: list[str], rows: list[list[object]]) -> None:
    cells = [[str(c) for c in header]] + [[f"{c:,.1f}" if isinstance(c, float) else f"{c:,}" if isinstance(c, int) else str(c) for c in r] for r in rows]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(header))]
    print(f"\n## {title}\n")
    for n, row in enumerate(cells):
        print("| " + " | ".join(c + " " * (w - _width(c)) for c, w in zip(row, widths, strict=True)) + " |")
        if n == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    RESULTS[title] = {"header": header, "rows": rows}


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def timed(fn, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return samples


def interleaved(fns: dict[str, callable], repeat: int) -> dict[str, list[float]]:
    """Alternate the candidates so that machine noise hits them alike; one warm-up each."""
    for fn in fns.values():
        fn()
    samples: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            samples[name].append(time.perf_counter() - t0)
    return samples


@contextmanager
def count_queries():
    """Count the SQL statements run inside the block (robust to ``reset_queries`` on each request),
    and keep the slowest one."""
    counter = {"n": 0, "slowest": 0.0, "slowest_sql": "", "sql_time": 0.0}

    def wrapper(execute, sql, params, many, context):
        counter["n"] += 1
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = time.perf_counter() - t0
            counter["sql_time"] += spent
            if spent > counter["slowest"]:
                counter["slowest"], counter["slowest_sql"] = spent, " ".join(sql.split())[:90]

    with connection.execute_wrapper(wrapper):
        yield counter


def routes() -> set[str]:
    return {prefix for prefix, _viewset, _basename in router.registry}


def office_user():
    from cms.roles import Role

    User = get_user_model()
    user = User.objects.filter(groups__name=Role.OFFICE_ADMIN.value, is_active=True).order_by("id").first()
    if user is None:
        user = User.objects.filter(is_superuser=True).order_by("id").first()
    if user is None:
        raise SystemExit("没有区安办管理员账号：请先运行 manage.py load_demo 或 generate_load")
    return user


def admin_list_urls() -> dict[str, str]:
    """The admin listing URLs of hazards and targets, found in the URL conf (whoever built them)."""
    found: dict[str, str] = {}

    def walk(patterns, namespace: str = "") -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, f"{namespace}{p.namespace}:" if p.namespace else namespace)
            elif isinstance(p, URLPattern) and p.name in ("list", "index") and not p.pattern.converters:
                found.setdefault(f"{namespace}{p.name}", f"{namespace}{p.name}")

    walk(get_resolver().url_patterns)
    out = {}
    for label, words in (("隐患", ("hazards_hazard", "hazard:", "hazards:")), ("监管对象", ("directory_target", "target:", "targets:"))):
        for name in sorted(found):
            if any(w in name for w in words) and "photo" not in name and "history" not in name:
                try:
                    out[label] = reverse(name)
                    break
                except Exception:  # noqa: BLE001 - a pattern that needs arguments
                    continue
    return out


def counts() -> dict[str, int]:
    Hazard = apps.get_model("hazards", "Hazard")
    return {"targets": Target.objects.count(), "hazards": Hazard.objects.count(), "hazard_history": Hazard.history.model.objects.count()}


# --- (a) API list vs ORM -------------------------------------------------------------------------
def bench_api(repeat: int) -> None:
    Hazard = apps.get_model("hazards", "Hazard")
    user = office_user()
    client = Client()
    client.force_login(user)
    available = routes()
    busiest = (Hazard.objects.values("jurisdiction_id").annotate(n=Count("id")).order_by("-n").first() or {}).get("jurisdiction_id")
    rows = []
    query_rows = []
    if "hazards" in available and busiest:
        state = "rectifying"
        base = f"/api/v1/hazards/?jurisdiction={busiest}&state={state}&ordering=deadline"

        def api(size=50):
            response = client.get(f"{base}&page_size={size}")
            assert response.status_code == 200, response.status_code
            return response

        def orm():
            return list(Hazard.objects.filter(jurisdiction_id=busiest, state=state).order_by("deadline")[:50])

        def orm_same():
            # the same 50 rows with what the page shows of them: the names of sector, target,
            # jurisdiction and responsible unit (the way any Django code would fetch them)
            return list(Hazard.objects.filter(jurisdiction_id=busiest, state=state).select_related(
                "sector", "target", "jurisdiction", "responsible_department", "responsible_jurisdiction").order_by("deadline")[:50])

        first = api().json()
        assert [r["id"] for r in first["results"]][:5] and len(first["results"]) == len(orm())
        s = interleaved({"api": api, "orm": orm, "orm_same": orm_same}, repeat)
        rows.append([f"GET /api/v1/hazards/ 属地+状态+按时限排序（共 {first['count']:,} 条）", median_ms(s["api"]), median_ms(s["orm"]),
                     median_ms(s["api"]) / median_ms(s["orm"]), median_ms(s["orm_same"]), median_ms(s["api"]) / median_ms(s["orm_same"])])
        sizes = {}
        for size in (10, 50, 200):
            with count_queries() as queries:
                api(size)
            sizes[size] = queries["n"]
        query_rows.append(["/api/v1/hazards/", sizes[10], sizes[50], sizes[200]])

        some = Hazard.objects.filter(jurisdiction_id=busiest, state="closed").order_by("id").first()
        if some is not None:
            def hist_api():
                response = client.get(f"/api/v1/hazards/{some.pk}/history/")
                assert response.status_code == 200, response.status_code

            def hist_orm():
                return list(Hazard.history.filter(id=some.pk).select_related("history_user"))

            from workflows.hazards.selectors import hazard_history

            def hist_same():
                # what the endpoint shows: the hazard's rows and those of its plans, evidence, photos and 三单
                return hazard_history(some)

            s = interleaved({"api": hist_api, "orm": hist_orm, "orm_same": hist_same}, repeat)
            rows.append([f"GET /api/v1/hazards/{{id}}/history/（{len(hist_orm())} 行历史）", median_ms(s["api"]), median_ms(s["orm"]),
                         median_ms(s["api"]) / median_ms(s["orm"]), median_ms(s["orm_same"]), median_ms(s["api"]) / median_ms(s["orm_same"])])
    else:
        print("（/api/v1/hazards/ 尚未注册，跳过隐患列表）")

    jur = Target.objects.values("jurisdiction_id").annotate(n=Count("id")).order_by("-n").first()["jurisdiction_id"]

    def tapi(size=50):
        response = client.get(f"/api/v1/targets/?jurisdiction={jur}&ordering=name&page_size={size}")
        assert response.status_code == 200, response.status_code

    def torm():
        return list(Target.objects.filter(jurisdiction_id=jur).order_by("name")[:50])

    def torm_same():
        return list(Target.objects.filter(jurisdiction_id=jur).select_related("jurisdiction").prefetch_related("sectors", "categories").order_by("name")[:50])

    s = interleaved({"api": tapi, "orm": torm, "orm_same": torm_same}, repeat)
    rows.append(["GET /api/v1/targets/ 属地+按名称排序", median_ms(s["api"]), median_ms(s["orm"]), median_ms(s["api"]) / median_ms(s["orm"]),
                 median_ms(s["orm_same"]), median_ms(s["api"]) / median_ms(s["orm_same"])])
    sizes = {}
    for size in (10, 50, 200):
        with count_queries() as queries:
            tapi(size)
        sizes[size] = queries["n"]
    query_rows.append(["/api/v1/targets/", sizes[10], sizes[50], sizes[200]])
    # The floor: the cheapest list request there is (one row of a 21-row table, with the same
    # session, scope, count and pagination) against the bare query for that row. No list endpoint
    # can be faster than this, whatever it lists.
    def floor_api():
        response = client.get("/api/v1/sectors/?page_size=1")
        assert response.status_code == 200, response.status_code

    Sector = apps.get_model("directory", "Sector")

    def floor_orm():
        return list(Sector.objects.order_by("sort_order", "id")[:1])

    s = interleaved({"api": floor_api, "orm": floor_orm}, repeat)
    rows.append(["（底线）GET /api/v1/sectors/?page_size=1：最便宜的列表请求", median_ms(s["api"]), median_ms(s["orm"]),
                 median_ms(s["api"]) / median_ms(s["orm"]), "", ""])
    table("API 列表（每页 50 条）与直接 ORM 取同样 50 行：中位数", ["请求", "接口 ms", "裸 ORM ms（只取本表）", "倍数",
                                                        "ORM 取同样内容 ms（含关联名称）", "倍数"], rows)
    table("API 列表查询次数（与每页条数无关才算无 N+1）", ["接口", "page_size=10", "50", "200"], query_rows)


# --- (b) Chinese substring search ------------------------------------------------------------------
@contextmanager
def planner(mode: str):
    """``default``: the server's settings; ``ssd``: random_page_cost = 1.1 (SSD, as recommended in
    docs/deploy.md); ``seqscan``: index and bitmap scans off."""
    with transaction.atomic(), connection.cursor() as cursor:
        if mode == "ssd":
            cursor.execute("SET LOCAL random_page_cost = 1.1")
        elif mode == "seqscan":
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
        yield


def plan_of(qs, mode: str) -> str:
    sql, params = qs.query.sql_with_params()
    with planner(mode), connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = (plan if isinstance(plan, list) else json.loads(plan))[0]["Plan"]
    nodes = []

    def walk(node):
        if node["Node Type"] not in ("Aggregate", "Sort", "Limit", "Gather", "Gather Merge"):
            nodes.append(node["Node Type"] + (f"（{node['Index Name']}）" if node.get("Index Name") else ""))
        for child in node.get("Plans", []):
            walk(child)

    walk(plan)
    return " → ".join(nodes)


def bench_search(repeat: int) -> None:
    if connection.vendor != "postgresql":
        print("\n（中文子串检索的索引对比只在 PostgreSQL 上做；当前是 SQLite，跳过）")
        return
    Hazard = apps.get_model("hazards", "Hazard")
    rows = []
    modes = ("default", "ssd", "seqscan")
    for term in ("液氨制冷", "溢洪道堵塞"):
        qs = Hazard.objects.filter(description__icontains=term).order_by()
        page = Hazard.objects.filter(description__icontains=term).order_by("-found_at", "-id").values_list("id", flat=True)[:50]
        matches = qs.count()
        fns = {}
        for mode in modes:
            def count(mode=mode, qs=qs):
                with planner(mode):
                    return qs.count()

            def first_page(mode=mode, page=page):
                with planner(mode):
                    return list(page.all())

            fns[f"c-{mode}"] = count
            fns[f"p-{mode}"] = first_page
        assert fns["c-ssd"]() == fns["c-seqscan"]() == matches
        s = interleaved(fns, repeat)
        for kind, label in (("c", f"{term}：计数（命中 {matches:,} 条）"), ("p", f"{term}：第一页 50 条（按发现时间）")):
            d, i, q = (median_ms(s[f"{kind}-{m}"]) for m in modes)
            rows.append([label, d, i, q, q / i, plan_of(qs.values("id") if kind == "c" else page, "default"), plan_of(qs.values("id") if kind == "c" else page, "ssd")])
    table(f"隐患描述中文子串检索（{Hazard.objects.count():,} 条隐患；UPPER(description) LIKE '%…%'，pg_trgm GIN 索引）：中位数 ms",
          ["检索", "默认设置", "random_page_cost=1.1", "强制顺序扫描", "顺序/索引", "默认设置的计划", "random_page_cost=1.1 的计划"], rows)


# --- (c) admin listings ----------------------------------------------------------------------------
def bench_admin(repeat: int) -> None:
    client = Client()
    client.force_login(office_user())
    urls = {"管理后台首页（仪表盘）": "/admin/"}
    for label, url in admin_list_urls().items():
        urls[f"{label}列表 {url}"] = url
        urls[f"{label}列表 第 3 页"] = f"{url}?p=3"
    # forms that choose a target among all of them, and the audit trail over every history table
    urls["登记隐患表单 /admin/snippets/hazards/hazard/add/"] = "/admin/snippets/hazards/hazard/add/"
    urls["督导检查填报 /admin/inspections/fill/"] = "/admin/inspections/fill/"
    urls["审计 /admin/audit/（最新一页）"] = "/admin/audit/"
    rows = []
    for label, url in urls.items():
        try:
            response = client.get(url)
        except Exception as exc:  # noqa: BLE001 - another part of the product failing is a result to report
            rows.append([label, f"出错：{type(exc).__name__}: {str(exc).splitlines()[0][:80]}", "", "", "", "", ""])
            continue
        if response.status_code != 200:
            rows.append([label, f"HTTP {response.status_code}", "", "", "", "", ""])
            continue
        with count_queries() as queries:
            client.get(url)
        s = timed(lambda url=url: client.get(url), repeat)
        rows.append([label, median_ms(s), pct(s, 95), queries["n"], queries["sql_time"] * 1000, queries["slowest"] * 1000, queries["slowest_sql"]])
    table("管理后台页面服务端用时（Django 测试客户端，区安办管理员）",
          ["页面", "中位数 ms", "p95 ms", "查询次数", "SQL 合计 ms", "最慢 SQL ms", "最慢的 SQL"], rows)


def bench_admin_vs_orm(repeat: int) -> None:
    """The admin hazard listing and the dashboard against the ORM queries behind them."""
    from django.utils import timezone

    from workflows.assessment import dashboard as data

    Hazard = apps.get_model("hazards", "Hazard")
    user = office_user()
    client = Client()
    client.force_login(user)
    urls = admin_list_urls()
    rows = []
    hazard_url = next((url for label, url in urls.items() if label == "隐患"), None)
    if hazard_url:
        per_page = 20

        def page():
            response = client.get(hazard_url)
            assert response.status_code == 200, response.status_code

        def orm():
            return list(Hazard.objects.order_by("-found_at", "-id")[:per_page])

        def orm_same():
            return (Hazard.objects.count(), list(Hazard.objects.select_related("sector", "target", "jurisdiction", "responsible_department",
                                                                                 "responsible_jurisdiction").order_by("-found_at", "-id")[:per_page]))

        # The same page with a filter that matches nothing: the page's fixed cost (layout, menu,
        # filter form, session and permissions), which no listing of any size is below.
        empty = next((q for q, f in (("state=reported&is_supervised=true", {"state": "reported", "is_supervised": True}),
                                     ("state=closed&needs_supervision=true", {"state": "closed", "needs_supervision": True}))
                      if not Hazard.objects.filter(**f).exists()), None)

        def page_empty():
            response = client.get(f"{hazard_url}?{empty}")
            assert response.status_code == 200, response.status_code

        candidates = {"page": page, "orm": orm, "orm_same": orm_same}
        if empty:
            candidates["empty"] = page_empty
        s = interleaved(candidates, repeat)
        rows.append([f"隐患列表 {hazard_url}（每页 {per_page} 条）", median_ms(s["page"]), median_ms(s["orm"]), median_ms(s["page"]) / median_ms(s["orm"]),
                     median_ms(s["orm_same"]), median_ms(s["page"]) / median_ms(s["orm_same"])])
        if empty:
            rows.append([f"（底线）同一页面，筛选结果为 0 条（?{empty}）", median_ms(s["empty"]), "", "", "", ""])
            rows.append([f"（每页 {per_page} 条的增量）列表页 − 0 条页面 对 ORM 取同样内容", median_ms(s["page"]) - median_ms(s["empty"]), "", "",
                         median_ms(s["orm_same"]), (median_ms(s["page"]) - median_ms(s["empty"])) / median_ms(s["orm_same"])])

    def dash():
        response = client.get("/admin/")
        assert response.status_code == 200, response.status_code

    def dash_orm():
        # the same figures straight from the ORM: the data functions behind the panels, without HTML
        today = timezone.localdate()
        return (data.month_counts(user, today), data.overdue_and_supervised(user, today), data.by_sector_and_state(user),
                data.rectification_by_month(user, today), data.jurisdiction_sector_matrix(user))

    s = interleaved({"page": dash, "orm": dash_orm}, repeat)
    rows.append(["管理后台首页（仪表盘）：页面 对 各面板的数据函数", median_ms(s["page"]), "", "", median_ms(s["orm"]), median_ms(s["page"]) / median_ms(s["orm"])])
    table("管理后台页面与背后的 ORM 查询：中位数", ["页面", "页面 ms", "裸 ORM ms", "倍数", "ORM 取同样内容 ms", "倍数"], rows)


def bench_reports(repeat: int) -> None:
    """Word exports from the data in the database: the district roll-up and the busiest department's
    monthly report, for the month with the most hazards (whole request: query, build, response)."""
    Hazard = apps.get_model("hazards", "Hazard")
    Department = apps.get_model("directory", "Department")
    from django.db.models.functions import TruncMonth

    busiest = Hazard.objects.annotate(m=TruncMonth("found_at")).values("m").annotate(n=Count("id")).order_by("-n").first()
    if not busiest:
        print("（没有隐患，跳过月报导出）")
        return
    month = busiest["m"].strftime("%Y-%m")
    dept = (Hazard.objects.filter(found_at__year=busiest["m"].year, found_at__month=busiest["m"].month, responsible_department__isnull=False)
            .values("responsible_department_id").annotate(n=Count("id")).order_by("-n").first())
    client = Client()
    client.force_login(office_user())
    targets = {f"全区月度汇总 {month}": f"/api/v1/exports/district-report/?month={month}"}
    if dept:
        d = Department.objects.get(pk=dept["responsible_department_id"])
        targets[f"{d.name} 月报 {month}"] = f"/api/v1/exports/monthly-report/?department={d.pk}&month={month}"
    rows = []
    for label, url in targets.items():
        response = client.get(url)
        if response.status_code != 200:
            rows.append([label, f"HTTP {response.status_code}", "", "", "", ""])
            continue
        size = len(b"".join(response.streaming_content) if response.streaming else response.content)
        with count_queries() as queries:
            client.get(url)
        tracemalloc.start()
        client.get(url)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        s = timed(lambda url=url: client.get(url), repeat)
        rows.append([label, median_ms(s), pct(s, 95), queries["n"], f"{size / 1024:,.0f} KiB", f"{peak:.1f}"])
    table(f"月报 Word 导出（数据库中的数据，当月隐患 {busiest['n']:,} 条）", ["文件", "中位数 ms", "p95 ms", "查询次数", "大小", "tracemalloc 峰值 MiB（不含 lxml 的 C 内存）"], rows)


# --- (d) gunicorn ------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(workers: int):
    port = free_port()
    env = dict(os.environ, DB_CONN_MAX_AGE=os.environ.get("DB_CONN_MAX_AGE", "60"))
    log = open(ROOT / "bench" / "out" / f"gunicorn-{port}.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "cms.wsgi:application", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--timeout", "60", "--graceful-timeout", "5"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/", timeout=2)
                break
            except urllib.error.HTTPError:
                break  # 401/403: up
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError(f"gunicorn 未能在 60 秒内启动（见 bench/out/gunicorn-{port}.log）")
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def request(port: int, token: str, method: str, path: str, body: dict | None = None) -> tuple[int, float]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method,
                                 headers={"Authorization": f"Token {token}", "Content-Type": "application/json", "Accept": "application/json"})
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=60) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        exc.read()
        status = exc.code
    except OSError:
        status = 0
    return status, time.perf_counter() - t0


def run_clients(ports: list[int], threads: int, work, duration: float | None = None) -> tuple[list[tuple[int, float]], float]:
    results: list[tuple[int, float]] = []
    lock = threading.Lock()
    stop_at = time.time() + duration if duration else None

    def client(n: int):
        port = ports[n % len(ports)]
        local = []
        while stop_at is None or time.time() < stop_at:
            item = work(n)
            if item is None:
                break
            method, path, body = item
            local.append(request(port, token_of_thread(n), method, path, body))
        with lock:
            results.extend(local)

    t0 = time.perf_counter()
    pool = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=(duration or 300) + 120)
    return results, time.perf_counter() - t0


_TOKENS: list[str] = []
EXPORT_TIMEOUT = int(os.environ.get("BENCH_EXPORT_TIMEOUT", "1200"))


def token_of_thread(n: int) -> str:
    return _TOKENS[n % len(_TOKENS)]


def summarize(label: str, results: list[tuple[int, float]], elapsed: float, ok: set[int], expected: set[int] = frozenset()) -> list[object]:
    latencies = [t for _, t in results]
    good = sum(1 for s, _ in results if s in ok)
    exp = sum(1 for s, _ in results if s in expected)
    errors = len(results) - good - exp
    return [label, len(results), good, exp, errors, len(results) / elapsed if elapsed else 0.0, good / elapsed if elapsed else 0.0,
            pct(latencies, 50), pct(latencies, 95), pct(latencies, 99)]


def bench_gunicorn(seconds: float, transitions: int) -> None:
    if connection.vendor != "postgresql":
        print("\n（gunicorn 多进程压测需要 PostgreSQL；当前是 SQLite，跳过）")
        return
    from rest_framework.authtoken.models import Token

    Hazard = apps.get_model("hazards", "Hazard")
    user = office_user()
    _TOKENS[:] = [Token.objects.get_or_create(user=user)[0].key]
    jurs = list(Hazard.objects.values_list("jurisdiction_id", flat=True).distinct()[:20])
    sample_ids = list(Hazard.objects.order_by("?").values_list("id", flat=True)[:500]) if Hazard.objects.exists() else []
    get_paths = [f"/api/v1/targets/?jurisdiction={j}&page_size=50" for j in jurs]
    if "hazards" in routes():
        get_paths += [f"/api/v1/hazards/?jurisdiction={j}&state=rectifying&ordering=deadline&page_size=50" for j in jurs]
        get_paths += [f"/api/v1/hazards/{pk}/" for pk in sample_ids[:200]]
    can_assign = "hazards" in routes() and any(u.name == "hazard-assign" for u in router.urls if hasattr(u, "name"))
    rows = []
    proofs = []

    def get_work(n):
        return ("GET", random.choice(get_paths), None)

    for servers, workers in ((1, 4), (2, 2)):
        with contextlib_multi([gunicorn(workers) for _ in range(servers)]) as ports:
            label = f"{servers} 台 × {workers} 进程（端口 {', '.join(map(str, ports))}）"
            results, elapsed = run_clients(ports, 16, get_work, duration=seconds)
            rows.append(summarize(f"{label}：GET 混合", results, elapsed, {200}))
            if can_assign:
                proof = transition_run(ports, transitions, label)
                rows.append(proof.pop("row"))
                proofs.append(proof)
    table("gunicorn + PostgreSQL，16 个并发客户端（本机回环）",
          ["场景", "请求", "成功", "预期 409", "错误", "请求/秒", "成功/秒", "p50 ms", "p95 ms", "p99 ms"], rows)
    if proofs:
        table("交办压测的零丢失核对（成功的交办 = 新增的交办历史行）",
              ["场景", "成功交办", "新增历史行（交办）", "隐患仍为登记状态", "一致"],
              [[p["label"], p["ok"], p["history"], p["left"], "是" if p["ok"] == p["history"] and p["left"] == 0 else "否"] for p in proofs])
    if not can_assign:
        print("（/api/v1/hazards/{id}/assign/ 尚未注册，只测 GET）")


@contextmanager
def contextlib_multi(managers):
    from contextlib import ExitStack

    with ExitStack() as stack:
        yield [stack.enter_context(m) for m in managers]


def transition_run(ports: list[int], count: int, label: str) -> dict:
    """Assign ``count`` reported hazards; every 10th is sent twice by two threads (one wins, one 409)."""
    Hazard = apps.get_model("hazards", "Hazard")
    History = Hazard.history.model
    chosen = list(Hazard.objects.filter(state="reported").order_by("id").values("id", "version", "jurisdiction_id")[:count])
    if not chosen:
        return {"label": label, "ok": 0, "history": 0, "left": 0, "row": [f"{label}：交办（没有登记状态的隐患）", 0, 0, 0, 0, 0.0, 0.0, 0.0, 0.0, 0.0]}
    jobs: queue.Queue = queue.Queue()
    for i, h in enumerate(chosen):
        body = {"responsible_kind": "jurisdiction", "responsible_jurisdiction": h["jurisdiction_id"], "responsible_person": "压测责任人",
                "deadline": "2027-06-30", "version": h["version"], "reason": "压测：并发交办"}
        jobs.put(("POST", f"/api/v1/hazards/{h['id']}/assign/", body))
        if i % 10 == 0:
            jobs.put(("POST", f"/api/v1/hazards/{h['id']}/assign/", body))
    ids = [h["id"] for h in chosen]
    before = History.objects.filter(id__in=ids).count()

    def work(n):
        try:
            return jobs.get_nowait()
        except queue.Empty:
            return None

    results, elapsed = run_clients(ports, 16, work)
    ok = sum(1 for s, _ in results if s == 200)
    added = History.objects.filter(id__in=ids).count() - before
    left = Hazard.objects.filter(id__in=ids, state="reported").count()
    row = summarize(f"{label}：交办（含历史与摘要链）", results, elapsed, {200}, {409})
    return {"label": label, "ok": ok, "history": added, "left": left, "row": row}


# --- exports (written by the exports helper) --------------------------------------------------------
def bench_exports() -> None:
    for script in ("word_export.py", "history_export.py"):
        path = ROOT / "bench" / script
        if not path.exists():
            print(f"\n（bench/{script} 尚不存在，跳过）")
            continue
        print(f"\n## bench/{script}\n")
        try:
            result = subprocess.run([PYTHON, str(path)], cwd=ROOT, env=os.environ.copy(), capture_output=True, text=True, timeout=EXPORT_TIMEOUT)
        except subprocess.TimeoutExpired:
            print(f"（bench/{script} 超过 {EXPORT_TIMEOUT} 秒未完成，已停止）")
            RESULTS[f"bench/{script}"] = f"timeout {EXPORT_TIMEOUT}s"
            continue
        print(result.stdout)
        if result.returncode:
            print(f"（bench/{script} 退出码 {result.returncode}）\n{result.stderr[-2000:]}")
        RESULTS[f"bench/{script}"] = result.stdout


def verify_history() -> None:
    t0 = time.perf_counter()
    result = subprocess.run([PYTHON, "manage.py", "verify_history"], cwd=ROOT, env=os.environ.copy(), capture_output=True, text=True, timeout=3600)
    last = (result.stdout.strip().splitlines() or [""])[-1]
    table("审计链校验（manage.py verify_history）", ["结果", "退出码", "用时 s"], [[last or result.stderr.strip()[-200:], result.returncode, time.perf_counter() - t0]])


def hardware() -> dict[str, str]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")), platform.processor())
    mem = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.splitlines()[1].split()[1]
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT 'SQLite ' || sqlite_version()")
        db = cursor.fetchone()[0].split(" on ")[0]
    return {"cpu": cpu, "nproc": str(os.cpu_count()), "memory": mem, "database": db, "python": platform.python_version(),
            "load": " ".join(f"{x:.2f}" for x in os.getloadavg())}


def main() -> None:
    parser = argparse.ArgumentParser(description="荔城区安全生产系统：规模与并发基准（issue 7）")
    parser.add_argument("--sections", default="api,search,admin,reports,gunicorn,exports,verify")
    parser.add_argument("--repeat", type=int, default=20, help="每项重复次数（取中位数）")
    parser.add_argument("--seconds", type=float, default=20, help="gunicorn GET 压测时长（秒）")
    parser.add_argument("--transitions", type=int, default=400, help="每个 gunicorn 场景交办的隐患数")
    parser.add_argument("--ensure-scale", choices=["district", "city", "province"], help="先运行 generate_load 补足数据")
    parser.add_argument("--quick", action="store_true", help="少量重复，快速看一遍")
    args = parser.parse_args()
    if args.quick:
        args.repeat, args.seconds, args.transitions = 5, 5, 60
    (ROOT / "bench" / "out").mkdir(exist_ok=True)
    if args.ensure_scale:
        subprocess.run([PYTHON, "manage.py", "generate_load", "--scale", args.ensure_scale], cwd=ROOT, check=True)
    hw = hardware()
    data = counts()
    print(f"# 基准 {time.strftime('%Y-%m-%d %H:%M')}\n")
    print(f"硬件：{hw['cpu']}，{hw['nproc']} 核，内存 {hw['memory']}，负载 {hw['load']}；{hw['database']}；Python {hw['python']}")
    print(f"数据：监管对象 {data['targets']:,}，隐患 {data['hazards']:,}，隐患历史 {data['hazard_history']:,} 行")
    RESULTS["hardware"], RESULTS["data"] = hw, data
    sections = set(args.sections.split(","))
    reset_queries()
    if "api" in sections:
        bench_api(args.repeat)
    if "search" in sections:
        bench_search(args.repeat)
    if "admin" in sections:
        bench_admin(max(5, args.repeat // 2))
        bench_admin_vs_orm(max(5, args.repeat // 2))
    if "reports" in sections:
        bench_reports(max(3, args.repeat // 4))
    if "gunicorn" in sections:
        bench_gunicorn(args.seconds, args.transitions)
    if "exports" in sections:
        bench_exports()
    if "verify" in sections:
        verify_history()
    out = ROOT / "bench" / "out" / f"results-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(RESULTS, ensure_ascii=False, indent=1, default=str))
    print(f"\n结果已保存：{out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
