"""Charts for the admin home, drawn server-side as inline SVG and HTML: nothing loaded from a
CDN, readable without JavaScript, printable. Pure functions of numbers to markup."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from laces.components import Component

PALETTE = ["#c0392b", "#e67e22", "#f1c40f", "#2e86c1", "#27ae60", "#7f8c8d", "#8e44ad"]


def stacked_bars(categories: Sequence[str], series: Sequence[str], values: dict[str, dict[str, int]],
                 *, title: str, colors: Sequence[str] = PALETTE) -> SafeString:
    """Horizontal stacked bars: one bar per category, one segment per series."""
    if not categories:
        return format_html('<p class="help">{}：暂无数据</p>', title)
    label_w, bar_w, row_h = 170, 440, 24
    totals = {c: sum(values.get(c, {}).values()) for c in categories}
    top = max(totals.values()) or 1
    height = 30 + row_h * len(categories) + 30
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="100%" viewBox="0 0 {label_w + bar_w + 60} {height}" '
             f'style="max-width:680px;font-size:12px"><title>{escape(title)}</title>']
    for index, category in enumerate(categories):
        y = 20 + index * row_h
        parts.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">{escape(category)}</text>')
        x = label_w
        for s_index, name in enumerate(series):
            n = values.get(category, {}).get(name, 0)
            if not n:
                continue
            w = bar_w * n / top
            parts.append(f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" fill="{colors[s_index % len(colors)]}">'
                         f'<title>{escape(category)} · {escape(name)}：{n}</title></rect>')
            x += w
        parts.append(f'<text x="{x + 4:.1f}" y="{y + 15}">{totals[category]}</text>')
    legend_y = 20 + row_h * len(categories) + 14
    x = label_w
    for s_index, name in enumerate(series):
        parts.append(f'<rect x="{x}" y="{legend_y - 10}" width="12" height="12" fill="{colors[s_index % len(colors)]}"/>'
                     f'<text x="{x + 16}" y="{legend_y}">{escape(name)}</text>')
        x += 24 + 13 * len(name)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every text above is escaped


def rate_bars(labels: Sequence[str], rates: Sequence[float | None], counts: Sequence[int], *, title: str) -> SafeString:
    """Vertical bars of a percentage per period (None: nothing to rate), with the base count."""
    if not labels:
        return format_html('<p class="help">{}：暂无数据</p>', title)
    width, height, left, bottom = 640, 220, 36, 40
    step = (width - left - 10) / len(labels)
    plot_h = height - bottom - 20
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="100%" viewBox="0 0 {width} {height}" '
             f'style="max-width:680px;font-size:11px"><title>{escape(title)}</title>']
    for pct in (0, 50, 100):
        y = 20 + plot_h * (1 - pct / 100)
        parts.append(f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
                     f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{pct}%</text>')
    for index, (label, rate, count) in enumerate(zip(labels, rates, counts, strict=True)):
        x = left + index * step + step * 0.15
        w = step * 0.7
        if rate is not None:
            h = plot_h * rate
            parts.append(f'<rect x="{x:.1f}" y="{20 + plot_h - h:.1f}" width="{w:.1f}" height="{h:.1f}" fill="#27ae60">'
                         f'<title>{escape(label)}：{rate:.0%}（{count}项）</title></rect>'
                         f'<text x="{x + w / 2:.1f}" y="{20 + plot_h - h - 3:.1f}" text-anchor="middle">{rate:.0%}</text>')
        parts.append(f'<text x="{x + w / 2:.1f}" y="{height - bottom + 16}" text-anchor="middle">{escape(label)}</text>'
                     f'<text x="{x + w / 2:.1f}" y="{height - bottom + 30}" text-anchor="middle" fill="#777">{count}项</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every text above is escaped


def heat_map(rows: Sequence[str], columns: Sequence[str], matrix: dict[tuple[str, str], int], *, title: str) -> SafeString:
    """A table whose cells darken with the count: rows × columns at a glance."""
    if not rows or not columns:
        return format_html('<p class="help">{}：暂无数据</p>', title)
    top = max(matrix.values(), default=0) or 1
    head = "".join(f'<th style="writing-mode:vertical-rl;padding:2px;font-weight:normal">{escape(c)}</th>' for c in columns)
    body = []
    for row in rows:
        cells = []
        for column in columns:
            n = matrix.get((row, column), 0)
            alpha = 0 if not n else 0.15 + 0.85 * n / top
            color = "#fff" if alpha > 0.6 else "#222"
            cells.append(f'<td title="{escape(row)} · {escape(column)}：{n}" style="text-align:center;padding:3px 5px;'
                         f'background:rgba(192,57,43,{alpha:.2f});color:{color}">{n or ""}</td>')
        body.append(f'<tr><th style="text-align:right;padding-right:6px;font-weight:normal">{escape(row)}</th>{"".join(cells)}</tr>')
    return mark_safe(  # noqa: S308 — every text above is escaped
        f'<table class="heat-map" style="border-collapse:collapse;font-size:12px" aria-label="{escape(title)}">'
        f'<caption style="text-align:left">{escape(title)}</caption><thead><tr><th></th>{head}</tr></thead>'
        f'<tbody>{"".join(body)}</tbody></table>')


_PANEL = ('{% load wagtailadmin_tags %}{% panel id=panel_id heading=heading classname="w-panel--dashboard" %}'
          "{{ body }}{% endpanel %}")


class HtmlPanel(Component):
    """A dashboard panel around markup built by a callable (Wagtail's panel frame)."""

    def __init__(self, *, name: str, heading: str, build, order: int = 200):
        self.name, self.heading, self.build, self.order = name, heading, build, order

    def render_html(self, parent_context=None):
        from django.template import engines

        template = engines["django"].from_string(_PANEL)
        return template.render({"panel_id": self.name, "heading": self.heading, "body": self.build()})


# ---------------------------------------------------------------- 待我处理

TODO_HOOK = "register_todo_sections"
TODO_LIMIT = 10


@dataclass
class TodoItem:
    """One thing to act on: what it is, its state, when it is due, and the page where the action is."""

    label: str
    url: str
    status: str = ""
    due: str = ""


@dataclass
class TodoSection:
    """A kind of work for this user (e.g. 月报待审核), counted over the whole queue, the first rows shown."""

    key: str
    heading: str
    count: int
    items: list[TodoItem] = field(default_factory=list)
    more_url: str = ""
    order: int = 100


def todo_sections(user) -> list[TodoSection]:
    """Every app says what this user must act on next through the ``register_todo_sections`` hook:
    a function ``(user) -> list[TodoSection]`` over its own selectors and ``cms.scope``."""
    from wagtail import hooks

    sections: list[TodoSection] = []
    for fn in hooks.get_hooks(TODO_HOOK):
        sections.extend(fn(user) or [])
    return sorted(sections, key=lambda s: (s.order, s.key))


class TodoPanel(Component):
    """待我处理: one panel per role, listing each kind of work with a link to where the action is."""

    name = "awaiting"
    order = 10

    def __init__(self, user):
        self.user = user

    def render_html(self, parent_context=None):
        from django.template.loader import render_to_string

        sections = todo_sections(self.user)
        return render_to_string("cms/todo_panel.html", {"sections": sections, "total": sum(s.count for s in sections)})
