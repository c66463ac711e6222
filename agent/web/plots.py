"""The team's numbers as pictures: SVG drawn on the server with matplotlib, no JavaScript.

What it is for: four plots over the handoffs a viewer may see, from the same per-handoff
history ``handoff report`` computes (agent/report.py ``Handoff``): time from the first
forward to approval, completeness at approval, the CSMs' ratings, and handoffs overdue
per week under the 48-hour rule. Each comes as an SVG document (for /metrics/<name>.svg)
and as an inline-ready fragment with prefixed ids, an accessible name and the numbers
behind it as a table. Text stays text (``svg.fonttype: none``), so it is searchable and
scales. matplotlib is imported here only, and this module only when /metrics is first
asked for (about half a second, once); a plot takes ~45 ms, so a page of four is cached
per viewer until the event log moves. Not for: computing the figures (agent/report.py).
"""

from __future__ import annotations

import html
import io
import re
import statistics
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from matplotlib import dates as mdates
from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from agent.web.backend import SECTION_KEYS, Handoff

PLOT_NAMES = ("prep", "completeness", "rating", "overdue")
MAX_WEEKS = 26
_RC: Any = {
    "svg.fonttype": "none",
    "svg.hashsalt": "handoff",
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
}
_BLUE, _GREY, _RED = "#1f5fa8", "#6b7280", "#b42318"
_LOCK = threading.Lock()  # matplotlib's shared state (font cache, rc) is not made for threads drawing at once
_CACHE: OrderedDict[Hashable, list[Plot]] = OrderedDict()
_CACHE_SIZE = 32


@dataclass(frozen=True, slots=True)
class Plot:
    name: str
    title: str
    summary: str  # one sentence: the accessible name and the caption
    svg: str  # a complete SVG document
    columns: tuple[str, ...]
    rows: Sequence[tuple[str, ...]]

    @property
    def inline(self) -> str:
        """The SVG for inside an HTML page: no XML prolog, ids prefixed, sized by CSS, named for screen readers."""
        body = self.svg[self.svg.index("<svg") :]
        body = re.sub(r'\sid="([^"]+)"', rf' id="{self.name}-\1"', body)
        body = re.sub(r"url\(#([^)]+)\)", rf"url(#{self.name}-\1)", body)
        body = re.sub(r'href="#([^"]+)"', rf'href="#{self.name}-\1"', body)
        head, rest = body.split(">", 1)
        head = re.sub(r'\s(?:width|height)="[^"]*"', "", head)
        label = html.escape(self.summary, quote=True)
        return f'{head} role="img" aria-label="{label}" class="plot">{rest}'


def plots_for(
    handoffs: list[Handoff], *, tz: tzinfo, now: datetime, stamp: Hashable | None = None, only: str | None = None
) -> list[Plot]:
    """The plots (or only the one named), cached under ``stamp`` when given."""
    names = (only,) if only else PLOT_NAMES
    key = (stamp, names) if stamp is not None else None
    with _LOCK:
        if key is not None and key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
        drawn = [_DRAW[name](handoffs, tz, now) for name in names]
        if key is not None:
            _CACHE[key] = drawn
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
    return drawn


def _render(fig: Figure) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    return buf.getvalue()


def _axes(title: str) -> tuple[Figure, Axes]:
    fig = Figure(figsize=(5.6, 3.0), layout="constrained")
    ax = fig.add_subplot()
    ax.set_title(title)
    ax.grid(axis="y", color="#e5e7eb", linewidth=0.8)
    ax.set_axisbelow(True)
    return fig, ax


def _n(approved: int) -> str:
    return f"{approved} approved handoff{'' if approved == 1 else 's'}"


def _nothing(ax: Axes, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color=_GREY, fontsize=12)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)


def _dates(ax: Axes, tz: tzinfo, when: list[datetime]) -> None:
    """Date ticks; a short span is widened to two weeks so one handoff is not drawn across four years."""
    first, last = min(when), max(when)
    if last - first < timedelta(days=14):
        middle = first + (last - first) / 2
        ax.set_xlim(mdates.date2num(middle - timedelta(days=7)), mdates.date2num(middle + timedelta(days=7)))
    locator = mdates.AutoDateLocator(tz=tz, minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, tz=tz))


def _median_line(ax: Axes, values: list[float], unit: str) -> None:
    mid = statistics.median(values)
    ax.axhline(mid, color=_GREY, linestyle="--", linewidth=1)
    ax.annotate(
        f"median {mid:.1f}{unit}",
        xy=(1, mid),
        xycoords=("axes fraction", "data"),
        ha="right",
        va="bottom",
        color=_GREY,
    )


def _per_approval(
    name: str,
    title: str,
    points: list[tuple[datetime, float, str, str]],  # (approved, value, account, value as the table shows it)
    tz: tzinfo,
    *,
    ylabel: str,
    unit: str,
    top: float | None,
    column: str,
) -> Plot:
    """One dot per approved handoff over its approval date, with the median as a line."""
    points = sorted(points, key=lambda p: p[0])
    with rc_context(_RC):
        fig, ax = _axes(title)
        if not points:
            _nothing(ax, "No approved handoffs yet")
            summary = f"{title}: no approved handoffs yet."
        else:
            values = [v for _, v, _, _ in points]
            when = [a.astimezone(tz) for a, _, _, _ in points]
            ax.scatter(mdates.date2num(when), values, color=_BLUE, s=28, zorder=3)
            ax.set_ylabel(ylabel)
            ax.set_ylim(bottom=0, top=top if top is not None else max(1.0, max(values) * 1.15))
            _median_line(ax, values, unit)
            _dates(ax, tz, when)
            summary = f"{title}: {_n(len(points))}, median {statistics.median(values):.1f}{unit}."
        svg = _render(fig)
    rows = [(account, f"{a.astimezone(tz):%Y-%m-%d}", shown) for a, _, account, shown in points]
    return Plot(name, title, summary, svg, ("Account", "Approved", column), rows)


def _prep(handoffs: list[Handoff], tz: tzinfo, now: datetime) -> Plot:
    points = [
        (h.approved, max(0.0, h.prep_h), h.account, f"{h.prep_h:.1f}")
        for h in handoffs
        if h.approved is not None and h.prep_h is not None
    ]
    return _per_approval(
        "prep", "Time from first forward to approval", points, tz, ylabel="hours", unit=" h", top=None, column="Hours"
    )


def _completeness(handoffs: list[Handoff], tz: tzinfo, now: datetime) -> Plot:
    total = len(SECTION_KEYS)
    points = [
        (h.approved, 100 * h.filled / total, h.account, f"{h.filled} of {total}")
        for h in handoffs
        if h.approved is not None and h.filled is not None
    ]
    return _per_approval(
        "completeness",
        "Completeness at approval",
        points,
        tz,
        ylabel=f"% of {total} sections",
        unit=" %",
        top=105,
        column="Sections filled",
    )


def _rating(handoffs: list[Handoff], tz: tzinfo, now: datetime) -> Plot:
    title = "CSM rating"
    ratings = [r for h in handoffs for r in h.ratings]
    counts = [sum(1 for r in ratings if r == score) for score in range(1, 6)]
    with rc_context(_RC):
        fig, ax = _axes(title)
        if not ratings:
            _nothing(ax, "No ratings from CSMs yet")
            summary = f"{title}: no ratings yet."
        else:
            mean = statistics.fmean(ratings)
            ax.bar([str(s) for s in range(1, 6)], counts, color=_BLUE, width=0.6, zorder=3)
            ax.set_xlabel("rating (of 5)")
            ax.set_ylabel("ratings")
            ax.yaxis.get_major_locator().set_params(integer=True)  # type: ignore[call-arg]
            counted = f"{len(ratings)} rating{'' if len(ratings) == 1 else 's'}"
            ax.set_title(f"{title}: mean {mean:.1f} of 5 ({counted})")
            summary = f"{title}: {counted}, mean {mean:.1f} of 5."
        svg = _render(fig)
    rows = [(str(score), str(n)) for score, n in zip(range(1, 6), counts, strict=True)]
    return Plot("rating", title, summary, svg, ("Rating", "Count"), rows)


def overdue_by_week(handoffs: list[Handoff], tz: tzinfo, now: datetime) -> list[tuple[datetime, int]]:
    """Per week (Monday, local time): handoffs past their deadline and not yet approved at some time in it."""
    dues = [(h.due, h.approved) for h in handoffs if h.due is not None]
    local_now = now.astimezone(tz)
    this_week = (local_now - timedelta(days=local_now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    if not dues:
        return []
    first_due = min(d for d, _ in dues).astimezone(tz)
    start = (first_due - timedelta(days=first_due.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    start = max(start, this_week - timedelta(weeks=MAX_WEEKS - 1))
    weeks = []
    week = start
    while week <= this_week:
        end = min(week + timedelta(days=7), now)
        count = sum(1 for due, approved in dues if due < end and (approved is None or approved > max(due, week)))
        weeks.append((week, count))
        week += timedelta(days=7)
    return weeks


def _overdue(handoffs: list[Handoff], tz: tzinfo, now: datetime) -> Plot:
    title = "Overdue handoffs per week"
    weeks = overdue_by_week(handoffs, tz, now)
    with rc_context(_RC):
        fig, ax = _axes(title)
        if not weeks:
            _nothing(ax, "No signed contracts with a deadline yet")
            summary = f"{title}: no deadlines yet."
        else:
            ax.bar(
                mdates.date2num([w for w, _ in weeks]),
                [n for _, n in weeks],
                width=5,
                align="edge",
                color=_RED,
                zorder=3,
            )
            ax.set_ylabel("handoffs past the deadline")
            ax.yaxis.get_major_locator().set_params(integer=True)  # type: ignore[call-arg]
            ax.set_ylim(bottom=0, top=max(1, max(n for _, n in weeks)) * 1.15)
            _dates(ax, tz, [w for w, _ in weeks] + [weeks[-1][0] + timedelta(days=7)])
            summary = (
                f"{title}: {weeks[-1][1]} this week, {max(n for _, n in weeks)} at most in the last {len(weeks)} weeks."
            )
        svg = _render(fig)
    rows = [(f"{w:%Y-%m-%d}", str(n)) for w, n in weeks]
    return Plot("overdue", title, summary, svg, ("Week of", "Overdue"), rows)


_DRAW: dict[str, Callable[[list[Handoff], tzinfo, datetime], Plot]] = {
    "prep": _prep,
    "completeness": _completeness,
    "rating": _rating,
    "overdue": _overdue,
}
