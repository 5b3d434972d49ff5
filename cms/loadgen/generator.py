"""Scale data for benchmarks (issue 7): targets and hazards with their whole loop history.

Rows are written with ``bulk_create`` through the real models, and every history row a real
loop would have written (登记, 交办, 挂牌督办, 整改, 整改完成, 退回, 复核销号) is written too, with user,
time and reason, and put on the audit chain (``cms.audit.chain``: ``append_many`` for targets,
whose digest covers their m2m history; ``insert_chained`` below, the same chain computed before
the insert, for hazards and villages), so that ``manage.py verify_history`` passes.

Scales nest: target *n* and hazard *n* are the same whatever the scale (natural keys
``91350304LD{n:08d}`` for a target's credit code and ``LD-{n:08d}`` for a hazard's code), so
``--scale city`` after ``--scale district`` adds the difference, and a rerun after an interrupt
resumes: each batch is one transaction, and keys already present are skipped.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from cms.audit import chain
from cms.audit.chain import append_many
from cms.audit.models import ChainHead
from cms.directory.models import Department, Jurisdiction, Sector, Target, TargetCategory, UserProfile, Village
from cms.records import save_record
from cms.roles import Role, ensure_role_groups

from . import pools

REASON = "批量生成负载数据"
HAZARDS_PER_TARGET = 10
DISTRICT_TARGETS = 5_000  # targets 1..5 000 lie in the notice's own jurisdictions
CITY_TARGETS = 25_000  # 5 001..25 000 also in the other districts of the city
VILLAGES_PER_JURISDICTION = 10
BATCH = 2_000


@dataclass(frozen=True)
class Scale:
    targets: int
    hazards: int


SCALES = {
    "tiny": Scale(50, 200),  # for tests
    "district": Scale(5_000, 50_000),
    "city": Scale(25_000, 250_000),
    "province": Scale(200_000, 2_000_000),
}


def credit_code(n: int) -> str:
    return f"91350304LD{n:08d}"


def hazard_code(n: int) -> str:
    return f"LD-{n:08d}"


def target_number(credit: str) -> int:
    return int(credit[-8:])


@contextlib.contextmanager
def explicit_timestamps(*models) -> Iterator[None]:
    """Let bulk_create keep the given created_at/updated_at (the loop happened in the past)."""
    saved = []
    for model in models:
        for field in model._meta.concrete_fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                saved.append((field, field.auto_now, field.auto_now_add))
                field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def allocate_ids(model, count: int) -> list[int]:
    """Primary keys for ``count`` new rows of ``model``, reserved inside the caller's transaction."""
    pk = model._meta.pk
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk.column, count])
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the write lock is held from BEGIN (transaction_mode IMMEDIATE), so max+1.. is ours.
        cursor.execute(f'SELECT COALESCE(MAX("{pk.column}"), 0) FROM "{table}"')
        top = cursor.fetchone()[0]
        cursor.execute("SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = %s", [table])
        top = max(top, cursor.fetchone()[0])
        return list(range(top + 1, top + 1 + count))


def utc(value):
    return value.astimezone(dt.UTC) if isinstance(value, dt.datetime) else value


def insert_chained(model, rows: list) -> None:
    """Insert history rows already placed on the audit chain.

    The same result as ``bulk_create`` then ``chain.append_many`` (keys reserved first, each
    row hashed with ``chain.digest`` after its predecessor, the chain head locked and moved),
    without re-reading and updating every row. Values must be what the database gives back
    (datetimes in UTC); the last row is re-read and re-hashed as a check.
    """
    if not rows:
        return
    with transaction.atomic():
        head, _ = ChainHead.objects.get_or_create(table=chain.table_of(model))
        head = ChainHead.objects.select_for_update().get(pk=head.pk)
        pk_name = model._meta.pk.attname
        for row, pk in zip(rows, allocate_ids(model, len(rows)), strict=True):
            setattr(row, pk_name, pk)
            row.chain_seq = head.length + 1
            row.prev_hash = head.last_hash
            row.row_hash = chain.digest(row.prev_hash, row)
            head.length, head.last_hash = row.chain_seq, row.row_hash
        model.objects.bulk_create(rows, batch_size=1000)
        head.save(update_fields=["length", "last_hash"])
        last = model._default_manager.get(pk=getattr(rows[-1], pk_name))
        if chain.digest(last.prev_hash, last) != last.row_hash:
            raise RuntimeError(f"{chain.table_of(model)}：批量写入的历史行与数据库读回的值不一致，无法入链（模型新增了字段？）")


class Progress:
    def __init__(self, write: Callable[[str], None]):
        self.write = write

    def batch(self, what: str, done: int, total: int, rows: int, seconds: float, skipped: int = 0) -> None:
        rate = rows / seconds if seconds else 0.0
        extra = f"，跳过已有 {skipped}" if skipped else ""
        self.write(f"{what} {done:,}/{total:,}：本批写入 {rows:,} 行（含历史）用时 {seconds:.1f} 秒，{rate:,.0f} 行/秒{extra}")


class LoadGenerator:
    def __init__(self, *, scale: str, seed: int = 2023, write: Callable[[str], None] = print, now: dt.datetime | None = None,
                 batch: int = BATCH):
        self.batch_size = batch
        self.scale_name = scale
        self.scale = SCALES[scale]
        self.seed = seed
        self.progress = Progress(write)
        self.write = write
        self.now = now or timezone.now()
        self.Hazard = apps.get_model("hazards", "Hazard")
        self.rows_written = 0

    # --- reference: jurisdictions, villages, users ---------------------------------------
    def ensure_reference(self) -> None:
        if not Jurisdiction.objects.exists():
            from cms.directory.services import load_reference_data

            load_reference_data()
        ensure_role_groups()
        self.sectors = {s.id: s for s in Sector.objects.all()}
        self.sector_lead: dict[int, int] = {}
        for sector_id, dept_id in Sector.lead_departments.through.objects.order_by("department_id").values_list("sector_id", "department_id"):
            self.sector_lead.setdefault(sector_id, dept_id)
        self.sector_by_code = {s.code: s for s in self.sectors.values()}
        self.sector_codes = [s.code for s in self.sectors.values() if s.code in pools.SECTOR_TARGETS]
        self.sector_weights = [3 if self.sector_by_code[c].is_key else 1 for c in self.sector_codes]
        self.categories = list(TargetCategory.objects.filter(parent__isnull=False).order_by("sort_order", "id"))
        self.base_jurisdictions = list(Jurisdiction.objects.exclude(code__startswith="ld-").order_by("sort_order", "id"))
        tiers = [self.base_jurisdictions]
        if self.scale.targets > DISTRICT_TARGETS:
            tiers.append(self._ensure_jurisdictions(self._city_jurisdictions()))
        if self.scale.targets > CITY_TARGETS:
            tiers.append(self._ensure_jurisdictions(self._province_jurisdictions()))
        self.tiers = []
        pool: list[Jurisdiction] = []
        for tier in tiers:
            pool = pool + tier
            self.tiers.append(pool)
        self._ensure_villages([j for tier in tiers for j in tier])
        self.villages: dict[int, list[int]] = {}
        for v in Village.objects.filter(name__in=self._village_names()).order_by("jurisdiction_id", "name"):
            self.villages.setdefault(v.jurisdiction_id, []).append(v.id)
        self.village_names = dict(Village.objects.values_list("id", "name"))
        self._ensure_users()

    @staticmethod
    def _town_name(town: str, kind: str) -> str:
        return town + {"street": "街道", "town": "镇", "park": ""}[kind]

    def _city_jurisdictions(self) -> list[tuple[str, str, str]]:
        return [
            (f"{county}{self._town_name(town, kind)}", f"ld-c{ci:02d}{ti:02d}", kind)
            for ci, county in enumerate(pools.CITY_COUNTIES)
            for ti, (town, kind) in enumerate(pools.TOWNS)
        ]

    def _province_jurisdictions(self) -> list[tuple[str, str, str]]:
        return [
            (f"{city}{county}{self._town_name(town, kind)}", f"ld-p{ci:02d}{co:02d}{ti:02d}", kind)
            for ci, (city, counties) in enumerate(pools.PROVINCE_CITIES)
            for co, county in enumerate(counties)
            for ti, (town, kind) in enumerate(pools.TOWNS)
        ]

    def _ensure_jurisdictions(self, wanted: list[tuple[str, str, str]]) -> list[Jurisdiction]:
        existing = {j.code: j for j in Jurisdiction.objects.filter(code__in=[c for _, c, _ in wanted])}
        created = 0
        for order, (name, code, kind) in enumerate(wanted, start=100):
            if code not in existing:
                existing[code] = save_record(instance=Jurisdiction(name=name, code=code, kind=kind, sort_order=order),
                                             actor=None, reason=REASON)
                created += 1
        if created:
            self.write(f"新增属地 {created} 个")
        return [existing[c] for _, c, _ in wanted]

    @staticmethod
    def _village_names() -> list[str]:
        return [f"{stem}{'社区' if i % 3 == 0 else '村'}" for i, stem in enumerate(pools.VILLAGE_STEMS[:VILLAGES_PER_JURISDICTION])]

    def _ensure_villages(self, jurisdictions: list[Jurisdiction]) -> None:
        names = self._village_names()
        have = set(Village.objects.filter(name__in=names).values_list("jurisdiction_id", "name"))
        new = [
            Village(jurisdiction=j, name=name, kind=Village.Kind.COMMUNITY if name.endswith("社区") else Village.Kind.VILLAGE, sort_order=50 + i)
            for j in jurisdictions
            for i, name in enumerate(names)
            if (j.id, name) not in have
        ]
        if new:
            with transaction.atomic():
                Village.objects.bulk_create(new)
                self._history_plus(Village, new, self.now)
            self.write(f"新增村居 {len(new)} 个")

    def _ensure_users(self) -> None:
        """One user per role the loop needs; one 属地用户 per jurisdiction; one 单位用户 per department."""
        User = get_user_model()
        groups = {g.name: g for g in Group.objects.all()}
        office = Department.objects.get(kind=Department.Kind.OFFICE)
        wanted: list[tuple[str, Role, Department | None, Jurisdiction | None, str]] = [
            ("load_office_admin", Role.OFFICE_ADMIN, office, None, "区安办管理员（负载）"),
            ("load_office_editor", Role.OFFICE_EDITOR, office, None, "区安办编辑（负载）"),
        ]
        for d in Department.objects.filter(kind=Department.Kind.DEPARTMENT):
            wanted.append((f"load_dept_{d.code}", Role.DEPARTMENT, d, None, f"{d.short_name}用户（负载）"))
            wanted.append((f"load_insp_{d.code}", Role.INSPECTOR, d, None, f"{d.short_name}检查员（负载）"))
        for j in self.tiers[-1]:
            wanted.append((f"load_town_{j.code}", Role.JURISDICTION, None, j, f"{j.name}用户（负载）"))
        existing = set(User.objects.filter(username__in=[w[0] for w in wanted]).values_list("username", flat=True))
        created = 0
        for username, role, dept, jur, display in wanted:
            if username in existing:
                continue
            user = User(username=username, first_name=display[:150])
            user.set_unusable_password()
            user.save()
            user.groups.add(groups[role.value])
            save_record(instance=UserProfile(user=user, department=dept, jurisdiction=jur), actor=None, reason=REASON)
            created += 1
        if created:
            self.write(f"新增负载用户 {created} 个（无密码，仅作历史记录的操作人）")
        users = dict(User.objects.filter(username__startswith="load_").values_list("username", "id"))
        self.user_office_admin = users["load_office_admin"]
        self.user_office_editor = users["load_office_editor"]
        self.user_dept = {d: users.get(f"load_dept_{code}") for d, code in Department.objects.values_list("id", "code")}
        self.user_insp = {d: users.get(f"load_insp_{code}") for d, code in Department.objects.values_list("id", "code")}
        self.user_town = {j.id: users.get(f"load_town_{j.code}") for j in self.tiers[-1]}

    # --- history ---------------------------------------------------------------------------
    def _history_plus(self, model, objs, when: dt.datetime, user_id: int | None = None) -> list:
        """One '+' history row per freshly bulk-created object, chained."""
        H = model.history.model
        rows = [
            H(**{f.attname: getattr(o, f.attname) for f in H.tracked_fields}, history_date=when, history_user_id=user_id,
              history_change_reason=REASON, history_type="+")
            for o in objs
        ]
        insert_chained(H, rows)
        self.rows_written += len(rows)
        return rows

    # --- targets ---------------------------------------------------------------------------
    def target_rows(self, n: int):
        rng = random.Random(f"{self.seed}:t:{n}")
        tier = 0 if n <= DISTRICT_TARGETS else 1 if n <= CITY_TARGETS else 2
        pool = self.tiers[min(tier, len(self.tiers) - 1)]
        jur = pool[rng.randrange(len(pool))]
        village_ids = self.villages.get(jur.id, [])
        village_id = rng.choice(village_ids) if village_ids else None
        code = rng.choices(self.sector_codes, weights=self.sector_weights)[0]
        sector_ids = [self.sector_by_code[code].id]
        if rng.random() < 0.25:
            other = self.sector_by_code[rng.choice(self.sector_codes)].id
            if other not in sector_ids:
                sector_ids.append(other)
        kind, industries = pools.SECTOR_TARGETS[code]
        brand = rng.choice(pools.BRANDS)
        name = f"{jur.name[:2]}{brand}{rng.choice(industries)}（LOAD-{n:07d}）"
        village = self.village_names.get(village_id, "")
        created = self.now - dt.timedelta(days=rng.uniform(365, 3 * 365))
        target = Target(
            name=name,
            credit_code=credit_code(n),
            kind=kind,
            jurisdiction_id=jur.id,
            village_id=village_id,
            address=f"{jur.name}{village}{rng.choice(pools.ROADS)}{rng.randint(1, 999)}号",
            contact_person=rng.choice(pools.SURNAMES) + rng.choice(pools.GIVEN),
            contact_phone=f"13{rng.randint(0, 999_999_999):09d}",
            created_at=created,
            updated_at=created,
        )
        category_ids = [rng.choice(self.categories).id] if self.categories and rng.random() < 0.4 else []
        return target, sector_ids, category_ids

    def generate_targets(self) -> None:
        total = self.scale.targets
        H = Target.history.model
        m2m = {f.name: getattr(H, f.name).model for f in H._history_m2m_fields}
        for start in range(1, total + 1, self.batch_size):
            numbers = range(start, min(start + self.batch_size, total + 1))
            t0 = time.perf_counter()
            have = {target_number(c) for c in Target.objects.filter(credit_code__in=[credit_code(n) for n in numbers]).values_list("credit_code", flat=True)}
            todo = [n for n in numbers if n not in have]
            if not todo:
                continue
            specs = [self.target_rows(n) for n in todo]
            before = self.rows_written
            with transaction.atomic(), explicit_timestamps(Target):
                targets = Target.objects.bulk_create([s[0] for s in specs], batch_size=500)
                links = {"sectors": [], "categories": []}
                for target, (_, sector_ids, category_ids) in zip(targets, specs, strict=True):
                    links["sectors"] += [Target.sectors.through(target_id=target.id, sector_id=s) for s in sector_ids]
                    links["categories"] += [Target.categories.through(target_id=target.id, targetcategory_id=c) for c in category_ids]
                for name, rows in links.items():
                    getattr(Target, name).through.objects.bulk_create(rows, batch_size=1000)
                    self.rows_written += len(rows)
                self.rows_written += len(targets)
                history = [
                    H(**{f.attname: getattr(t, f.attname) for f in H.tracked_fields}, history_date=t.created_at,
                      history_user_id=self.user_office_editor, history_change_reason=REASON, history_type="+")
                    for t in targets
                ]
                H.objects.bulk_create(history, batch_size=500)
                by_target = {h.id: h for h in history}
                for name, rows in links.items():
                    model = m2m[name]
                    hist_rows = []
                    for row in rows:
                        values = {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}
                        hist_rows.append(model(history_id=by_target[row.target_id].history_id, **values))
                    model.objects.bulk_create(hist_rows, batch_size=1000)
                    self.rows_written += len(hist_rows)
                self.rows_written += len(history)
                append_many(H, [h.history_id for h in history])
            self.progress.batch("监管对象", numbers[-1], total, self.rows_written - before, time.perf_counter() - t0, len(have))

    # --- hazards ---------------------------------------------------------------------------
    def hazard_loop(self, n: int, target: dict) -> tuple[dict, list[tuple[dt.datetime, int | None, str, str, dict]]]:
        """The hazard's final values and its history steps ``(when, user_id, label, type, values)``."""
        Hazard = self.Hazard
        rng = random.Random(f"{self.seed}:h:{n}")
        sector = self.sectors[rng.choice(target["sector_ids"])]
        dept_id = self.sector_lead.get(sector.id)
        texts = pools.HAZARDS.get(sector.code) or ["现场安全管理制度不落实"]
        level = "major" if rng.random() < 0.04 else "general"
        age_days = rng.uniform(0, 365)
        found_date = (self.now - dt.timedelta(days=age_days)).astimezone(timezone.get_current_timezone())
        found_at = found_date.replace(hour=rng.randint(8, 17), minute=rng.randint(0, 59), second=0, microsecond=0)
        if found_at > self.now:
            found_at = self.now - dt.timedelta(minutes=rng.randint(5, 300))
        initial = Hazard(
            code=hazard_code(n),
            description=f"{rng.choice(pools.PLACES)}：{rng.choice(texts)}",
            level=level,
            is_prominent=rng.random() < 0.06,
            state="reported",
            sector_id=sector.id,
            target_id=target["id"],
            jurisdiction_id=target["jurisdiction_id"],
            village_id=target["village_id"],
            source=rng.choices(["inspection", "manual", "tipoff", "other"], weights=[85, 8, 5, 2])[0],
            legal_basis=sector.major_hazard_standard if level == "major" else "",
            found_at=found_at,
            found_by_id=self.user_insp.get(dept_id) or self.user_office_editor,
            created_at=found_at,
            updated_at=found_at,
        )
        H = Hazard.history.model
        names = {f.attname for f in H.tracked_fields}
        values = {f.attname: getattr(initial, f.attname) for f in H.tracked_fields}
        steps: list[tuple[dt.datetime, int | None, str, str, dict]] = []

        def step(when: dt.datetime, user_id, label: str, action: str, **changes) -> bool:
            if when > self.now:
                return False
            for key, value in changes.items():
                if key in names:
                    values[key] = value
            if "last_action" in names:
                values["last_action"] = action
            if steps:
                values["version"] = values["version"] + 1
            values["updated_at"] = when
            steps.append((when, user_id, label, "~" if steps else "+", dict(values)))
            return True

        step(found_at, values["found_by_id"], "登记", "register")
        if age_days > 90:
            p_close = 0.93
        elif age_days > 30:
            p_close = 0.75
        elif age_days > 7:
            p_close = 0.45
        else:
            p_close = 0.15
        goal = "closed" if rng.random() < p_close else rng.choices(["reported", "assigned", "rectifying", "submitted"], weights=[1, 2, 5, 2])[0]
        if goal == "reported":
            return self._finish(values, steps)
        kind = rng.choices(["jurisdiction", "department", "target"], weights=[50, 35, 15])[0]
        rectifier = self.user_town.get(target["jurisdiction_id"]) if kind != "department" else self.user_dept.get(dept_id)
        rectifier = rectifier or self.user_office_editor
        person = rng.choice(pools.SURNAMES) + rng.choice(pools.GIVEN)
        closer = self.user_office_admin if level == "major" else self.user_office_editor
        t = found_at
        if goal == "closed" and level == "general" and rng.random() < 0.15:  # 即行即改
            t += dt.timedelta(hours=rng.uniform(0.2, 3))
            if not step(t, values["found_by_id"], "即行即改", "fix_on_spot", state="submitted", submitted_at=t,
                        rectification_measures="现场立即整改完毕"):
                return self._finish(values, steps)
            t += dt.timedelta(days=rng.uniform(0.5, 5))
            step(t, closer, "复核销号", "verify", state="closed", closed_at=t, closed_by_id=closer)
            return self._finish(values, steps)
        t += dt.timedelta(days=rng.uniform(0.2, 3))
        days = 90 if level == "major" else rng.choice([7, 15, 15, 30, 30, 60])
        deadline = t.astimezone(timezone.get_current_timezone()).date() + dt.timedelta(days=days)
        if not step(t, self.user_office_editor, "交办", "assign", state="assigned", assigned_at=t, responsible_kind=kind,
                    responsible_department_id=dept_id if kind == "department" else None,
                    responsible_jurisdiction_id=target["jurisdiction_id"] if kind == "jurisdiction" else None,
                    responsible_person=person, deadline=deadline):
            return self._finish(values, steps)
        if level == "major":
            t += dt.timedelta(hours=rng.uniform(1, 48))
            if not step(t, self.user_office_admin, "挂牌督办", "supervise", is_supervised=True, supervised_at=t):
                return self._finish(values, steps)
        if goal == "assigned":
            return self._finish(values, steps)
        t += dt.timedelta(days=rng.uniform(0.5, 3))
        if not step(t, rectifier, "整改方案", "plan", state="rectifying", rectification_measures=rng.choice(pools.MEASURES)):
            return self._finish(values, steps)
        deadline_at = dt.datetime.combine(deadline, dt.time(17), tzinfo=timezone.get_current_timezone())
        late = rng.random() < 0.15
        span = (deadline_at - t).total_seconds()
        t_submit = deadline_at + dt.timedelta(days=rng.uniform(1, 20)) if late else t + dt.timedelta(seconds=rng.uniform(0.2, 0.95) * max(span, 3600))
        if goal == "rectifying" or t_submit > self.now:
            if late and self.now > deadline_at + dt.timedelta(days=15) and not values["is_supervised"] and rng.random() < 0.3:
                t_sup = deadline_at + dt.timedelta(days=15)
                step(t_sup, self.user_office_admin, "挂牌督办", "supervise", is_supervised=True, supervised_at=t_sup)
            return self._finish(values, steps)
        t = t_submit
        step(t, rectifier, "整改完成", "submit", state="submitted", submitted_at=t)
        if goal == "submitted":
            return self._finish(values, steps)
        if rng.random() < 0.05:  # 退回 then resubmitted
            t += dt.timedelta(days=rng.uniform(0.5, 3))
            if not step(t, closer, "退回", "reject", state="rectifying", last_reject_reason="整改佐证不足，请补充整改后照片"):
                return self._finish(values, steps)
            t += dt.timedelta(days=rng.uniform(1, 7))
            if not step(t, rectifier, "整改完成", "submit", state="submitted", submitted_at=t):
                return self._finish(values, steps)
        t += dt.timedelta(days=rng.uniform(0.5, 5))
        step(t, closer, "复核销号", "verify", state="closed", closed_at=t, closed_by_id=closer)
        return self._finish(values, steps)

    @staticmethod
    def _finish(values: dict, steps: list) -> tuple[dict, list]:
        return values, steps

    def generate_hazards(self) -> None:
        from workflows.hazards.models_tally import add_hazards

        Hazard = self.Hazard
        H = Hazard.history.model
        total = self.scale.hazards
        through = Target.sectors.through
        for start in range(1, total + 1, self.batch_size):
            numbers = range(start, min(start + self.batch_size, total + 1))
            t0 = time.perf_counter()
            have = set(Hazard.objects.filter(code__in=[hazard_code(n) for n in numbers]).values_list("code", flat=True))
            todo = [n for n in numbers if hazard_code(n) not in have]
            if not todo:
                continue
            wanted = {credit_code((n - 1) // HAZARDS_PER_TARGET + 1) for n in todo}
            targets = {t["credit_code"]: t for t in Target.objects.filter(credit_code__in=wanted).values("id", "credit_code", "jurisdiction_id", "village_id")}
            sectors: dict[int, list[int]] = {}
            for target_id, sector_id in through.objects.filter(target_id__in=[t["id"] for t in targets.values()]).order_by("id").values_list("target_id", "sector_id"):
                sectors.setdefault(target_id, []).append(sector_id)
            loops = []
            for n in todo:
                target = targets.get(credit_code((n - 1) // HAZARDS_PER_TARGET + 1))
                if target is None:
                    continue
                target["sector_ids"] = sectors.get(target["id"]) or [next(iter(self.sectors))]
                loops.append(self.hazard_loop(n, target))
            before = self.rows_written
            with transaction.atomic(), explicit_timestamps(Hazard):
                objs = []
                for values, _ in loops:
                    obj = Hazard(**{k: v for k, v in values.items() if k != "id"})
                    objs.append(obj)
                Hazard.objects.bulk_create(objs, batch_size=500)
                add_hazards(objs)  # the dashboard's counts, in the same transaction (workflows.hazards.models_tally)
                history = []
                for obj, (_, steps) in zip(objs, loops, strict=True):
                    for when, user_id, label, history_type, snapshot in steps:
                        snapshot["id"] = obj.id
                        history.append(H(**{k: utc(v) for k, v in snapshot.items()}, history_date=utc(when), history_user_id=user_id,
                                         history_change_reason=f"{REASON}：{label}", history_type=history_type))
                insert_chained(H, history)
                self.rows_written += len(objs) + len(history)
            self.progress.batch("隐患", numbers[-1], total, self.rows_written - before, time.perf_counter() - t0, len(have))

    def run(self) -> dict[str, float]:
        started = time.perf_counter()
        self.write(f"负载规模 {self.scale_name}：监管对象 {self.scale.targets:,} 个，隐患 {self.scale.hazards:,} 条（数据库 {connection.vendor}）")
        self.ensure_reference()
        t_ref = time.perf_counter()
        self.generate_targets()
        t_targets = time.perf_counter()
        self.generate_hazards()
        t_hazards = time.perf_counter()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for table in (Target._meta.db_table, self.Hazard._meta.db_table, self.Hazard.history.model._meta.db_table):
                    cursor.execute(f'ANALYZE "{table}"')
        return {
            "reference_s": t_ref - started,
            "targets_s": t_targets - t_ref,
            "hazards_s": t_hazards - t_targets,
            "total_s": time.perf_counter() - started,
            "rows": self.rows_written,
        }
