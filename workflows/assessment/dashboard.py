"""The admin home's overview, by role: every figure is computed on the hazards the user may
see (``cms.scope``), so a department sees its sectors, a town its area, the office all.

Panels: this month's counts; overdue and supervised hazards; hazards by sector and state;
rectification rate by month; a jurisdiction × sector heat map of open hazards.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from cms.dashboard import heat_map, rate_bars, stacked_bars
from cms.directory.models import Jurisdiction, Sector
from cms.scope import scoped
from workflows.hazards.models import Hazard, HazardLevel, HazardState, HazardTally
from workflows.inspections.models import Inspection
from workflows.periods import Period
from workflows.reporting import figures

from .admin_links import admin_listing_url, admin_url


def visible_hazards(user):
    return scoped(Hazard.objects.all(), user)


def month_counts(user, today: datetime.date) -> dict[str, int]:
    period = Period.of_month(today)
    begin, stop = period.bounds()
    hazards = visible_hazards(user)
    found = hazards.filter(figures.found_in(period))
    # columns of the index hazard_found_state (found_at, state) INCLUDE (level, is_prominent): an index-only scan
    levels = found.aggregate(total=Count("found_at"), major=Count("found_at", filter=Q(level=HazardLevel.MAJOR)),
                             prominent=Count("found_at", filter=Q(is_prominent=True)))
    return {
        "inspections": scoped(Inspection.objects.filter(inspected_on__gte=period.start, inspected_on__lte=period.end), user).count(),
        "found": levels["total"], "major": levels["major"], "prominent": levels["prominent"],
        "closed": hazards.filter(closed_at__gte=begin, closed_at__lt=stop).count(),
        "overdue": hazards.overdue(today).count(),
        "open": hazards.open().count(),
        "supervised": hazards.open().filter(is_supervised=True).count(),
    }


def overdue_and_supervised(user, today: datetime.date, limit: int = 10) -> tuple[list[Hazard], list[Hazard]]:
    hazards = visible_hazards(user).select_related("target", "jurisdiction")
    overdue = list(hazards.overdue(today).order_by("deadline", "id")[:limit])
    supervised = list(hazards.open().filter(is_supervised=True).order_by("deadline", "id")[:limit])
    return overdue, supervised


def visible_tally(user):
    """The hazard counts (``hazards.HazardTally``) of the hazards ``user`` may see: the tally has the
    columns the scope filters on, so ``scoped`` applies the hazards' own rule to it."""
    return scoped(HazardTally.objects.all(), user)


def hazard_cube(user) -> dict[tuple[int, int, str], int]:
    """Visible hazards counted by (sector, jurisdiction, state), read from the tally kept by
    ``Hazard.save()`` (counting the hazards themselves was 1 s for a province's 2,000,000); both the
    sector chart and the heat map are read from it."""
    return {(s, j, st): n for s, j, st, n in visible_tally(user).values_list("sector_id", "jurisdiction_id", "state")
            .annotate(total=Sum("n")).order_by().values_list("sector_id", "jurisdiction_id", "state", "total") if n}


def _names(model, ids) -> list[tuple[int, str]]:
    return list(model.objects.filter(pk__in=set(ids)).order_by("sort_order", "id").values_list("id", "name"))


def by_sector_and_state(user, cube: dict | None = None) -> tuple[list[str], list[str], dict[str, dict[str, int]]]:
    cube = hazard_cube(user) if cube is None else cube
    states = [label for _, label in HazardState.choices]
    state_label = dict(HazardState.choices)
    sectors = dict(_names(Sector, (s for s, _, _ in cube)))
    values: dict[str, dict[str, int]] = defaultdict(dict)
    for (sector, _jurisdiction, state), n in cube.items():
        row = values[sectors[sector]]
        label = state_label.get(state, state)
        row[label] = row.get(label, 0) + n
    return list(sectors.values()), states, values


def _month_starts(today: datetime.date, months: int) -> list[datetime.date]:
    first = today.replace(day=1)
    starts = []
    for _ in range(months):
        starts.append(first)
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    starts.reverse()
    return starts


def rectification_by_month(user, today: datetime.date, months: int = 12) -> tuple[list[str], list[float | None], list[int]]:
    """Of the hazards found in each month, the share closed by now: one grouped read of the tally
    (a month is local time, as everywhere; the tally's ``found_month`` is the local month)."""
    starts = _month_starts(today, months)
    per_month = {m: (n, closed) for m, n, closed in visible_tally(user).filter(found_month__gte=starts[0], found_month__lte=starts[-1])
                 .values("found_month").annotate(total=Sum("n"), closed=Sum("n", filter=Q(state=HazardState.CLOSED))).order_by()
                 .values_list("found_month", "total", "closed")}
    labels, rates, counts = [], [], []
    for start in starts:
        n, closed = per_month.get(start, (0, 0))
        labels.append(f"{start.month}月")
        counts.append(n or 0)
        rates.append((closed or 0) / n if n else None)
    return labels, rates, counts


def jurisdiction_sector_matrix(user, cube: dict | None = None) -> tuple[list[str], list[str], dict[tuple[str, str], int]]:
    """Open hazards by jurisdiction and sector."""
    cube = hazard_cube(user) if cube is None else cube
    open_cells: dict[tuple[int, int], int] = defaultdict(int)
    for (s, j, st), n in cube.items():
        if st != HazardState.CLOSED:  # open: every state before 销号, each added to its cell
            open_cells[(j, s)] += n
    jurisdictions = dict(_names(Jurisdiction, (j for j, _ in open_cells)))
    sectors = dict(_names(Sector, (s for _, s in open_cells)))
    matrix: dict[tuple[str, str], int] = defaultdict(int)
    for (j, s), n in open_cells.items():
        matrix[(jurisdictions[j], sectors[s])] += n
    return list(jurisdictions.values()), list(sectors.values()), dict(matrix)


# ---------------------------------------------------------------- markup


# Each tile with its 口径 (workflows.reporting.figures), shown beside the figure.
TILES = (
    ("inspections", "本月督导检查", ""), ("found", "本月发现隐患", ""), ("major", "其中重大隐患", ""),
    ("prominent", "突出隐患", ""), ("closed", "本月销号", ""), ("open", "未销号隐患", ""),
    ("overdue", "逾期未整改", "#c0392b"), ("supervised", "挂牌督办中", "#e67e22"),
)
TILE_NOTES = {
    "inspections": "本月（按检查日期）您可见的督导检查次数",
    "found": "本月发现的隐患，按发现日期（督导检查日期），不按录入时间",
    "major": "本月发现隐患中的重大隐患",
    "prominent": "本月发现隐患中标为突出的",
    "closed": "本月复核销号的隐患",
    "open": "销号前各状态的隐患合计，等于下方热力图之和",
    "overdue": "未销号且已过整改时限",
    "supervised": "挂牌督办且未销号",
}


def overview_html(user, today: datetime.date | None = None) -> SafeString:
    today = today or timezone.localdate()
    counts = month_counts(user, today)
    listing = admin_listing_url(Hazard)
    tiles = format_html_join(
        "", '<div style="min-width:7.5rem;padding:.5rem .75rem;border:1px solid #ddd;border-radius:4px" title="{}">'
            '<div style="font-size:1.6rem;font-weight:bold;color:{}">{}</div><div>{} <span aria-hidden="true" style="color:#888">ⓘ</span></div>'
            '<div class="help" style="font-size:.75rem;color:#666;max-width:11rem">{}</div></div>',
        ((TILE_NOTES[key], color or "inherit", counts[key], label, TILE_NOTES[key]) for key, label, color in TILES))
    overdue, supervised = overdue_and_supervised(user, today)

    def hazard_list(title: str, hazards: list[Hazard]) -> SafeString:
        if not hazards:
            return format_html("<h3 class='w-h4'>{}</h3><p>无。</p>", title)
        items = format_html_join("", "<li><a href='{}'>{}</a> {}（{}，整改时限 {}）</li>", (
            (admin_url(h) or "#", h.code, h.description[:30], h.target.name, h.deadline or "未定") for h in hazards))
        return format_html("<h3 class='w-h4'>{}</h3><ul>{}</ul>", title, items)

    more = format_html('<p><a href="{}">查看全部隐患</a></p>', listing) if listing else ""
    return format_html(
        '<p>{}年{}月，数据范围：您可见的隐患与检查。</p><div style="display:flex;flex-wrap:wrap;gap:.5rem;margin-bottom:1rem">{}</div>'
        '<div style="display:flex;flex-wrap:wrap;gap:2rem"><div style="flex:1;min-width:18rem">{}</div>'
        '<div style="flex:1;min-width:18rem">{}</div></div>{}',
        today.year, today.month, tiles, hazard_list("逾期未整改隐患", overdue), hazard_list("挂牌督办隐患", supervised), more)


def charts_html(user, today: datetime.date | None = None) -> SafeString:
    today = today or timezone.localdate()
    cube = hazard_cube(user)
    sectors, states, values = by_sector_and_state(user, cube)
    labels, rates, counts = rectification_by_month(user, today)
    rows, columns, matrix = jurisdiction_sector_matrix(user, cube)
    return mark_safe(  # noqa: S308 — the parts are built with escaping
        '<div style="display:grid;grid-template-columns:repeat(auto-fit,minmax(340px,1fr));gap:1.5rem">'
        f"<figure><figcaption>隐患按行业领域和状态</figcaption>{stacked_bars(sectors, states, values, title='隐患按行业领域和状态')}</figure>"
        f"<figure><figcaption>近12个月整改销号率（当月发现隐患中已销号的比例）</figcaption>"
        f"{rate_bars(labels, rates, counts, title='近12个月整改销号率')}</figure></div>"
        f"<figure style='margin-top:1.5rem;overflow-x:auto'>{heat_map(rows, columns, matrix, title='未销号隐患：属地 × 行业领域')}"
        f"<figcaption class='help'>口径：每格为该属地、该行业领域销号前各状态（登记、已交办、整改中、待复核）隐患之和；"
        f"合计 {sum(matrix.values())} 项，等于“未销号隐患”。</figcaption></figure>")
