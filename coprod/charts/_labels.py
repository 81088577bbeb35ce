"""Point labels placed beside their own marks, deterministically, when the chart is drawn.

The rule every label keeps: its nearest mark (a point or an arrow, in display
coordinates) is its own mark, it overlaps no other label, no listed text (e.g. the
grid's cell names) and no marker, and it stays inside the axes. A label moved away
from its mark is joined to it by a leader line.

How: each label gets a few hundred candidate positions around anchor points on its
own mark (16 directions x a dozen gaps), each with a cost (distance, direction,
which anchor, a leader line); candidates that break the rule cost
:data:`_FORBIDDEN` per breach. Labels are then chosen greedily (the most
constrained first) and improved one at a time against the others' choices until
nothing changes. Only numpy arithmetic: no randomness, no time limit, so the same
chart always gets the same labels.

Placement needs the axes' final size and the texts' extents, known only when the
figure is drawn (after the layout engine ran), so :class:`LabelPlacer` is an
artist drawn before the labels; its result is cached on the axes' size in inches
and limits, so saving at another dpi or to another format keeps the same places.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.artist import Artist
from matplotlib.lines import Line2D

if TYPE_CHECKING:  # Axes and Text are heavy to import and only annotate here
    from matplotlib.axes import Axes
    from matplotlib.text import Text

__all__ = ["GID_LABEL_LEADER", "LabelPlacer", "PlacedLabel"]

#: gid of the leader lines joining a moved label to its mark.
GID_LABEL_LEADER = "grid-label-leader"

# Costs of breaking the rule (so any legal place wins); when no legal place exists, a
# label rather sits over a cell name or further from its mark than covers a marker or
# another label, and never leaves the axes.
_FORBIDDEN = 1000.0
_COVERS = 2 * _FORBIDDEN
_OVERLAP = 3 * _FORBIDDEN
_CLIPPED = 4 * _FORBIDDEN
_GAPS_PT = (2.0, 4.0, 6.5, 9.5, 13.0, 17.0, 22.0, 28.0, 35.0, 44.0, 55.0, 68.0, 84.0)
_ANGLES = np.deg2rad(np.arange(0.0, 360.0, 22.5))
_LEADER_FROM_PT = 5.0  # a label further than this from its anchor gets a leader line
_NEAREST_MARGIN_PT = 2.5  # own mark nearer than any other by at least this
_PAD_PT = 1.0  # clearance around labels, markers and listed texts
_FORM_COST = 4.0  # points: the text as given is preferred to another form of it
_SAME_SIZE_IN = 0.03  # axes sizes closer than this (inches) keep the labels' places
_KEEP = 80  # candidates per label kept for the search (the cheapest)


@dataclass
class PlacedLabel:
    """One label to place: its Text, its own marks and the anchors on them.

    ``anchors`` are ``(x, y, cost)`` in data coordinates: points on the label's own
    mark where it may sit, with a cost in points for sitting there (0 for the
    preferred one, e.g. an arrow's head). ``forms`` are other ways to write the text
    (e.g. on two lines), tried after the text as given at a small cost each.
    """

    text: Text
    anchors: Sequence[tuple[float, float, float]]
    forms: Sequence[str] = ()
    leader: Line2D | None = field(default=None, repr=False)


def _point_rect_distance(px, py, rects):
    """Distance from points to rectangles ``(x0, y0, x1, y1)`` (broadcast)."""
    x0, y0, x1, y1 = (rects[..., k] for k in range(4))
    dx = np.maximum(np.maximum(x0 - px, px - x1), 0.0)
    dy = np.maximum(np.maximum(y0 - py, py - y1), 0.0)
    return np.hypot(dx, dy)


def _segments_hit_rects(rects: np.ndarray, segments: np.ndarray) -> np.ndarray:
    """``(N, M)``: does segment m cross or touch rectangle n (Liang-Barsky clipping)."""
    x0, y0, x1, y1 = (rects[:, k, None] for k in range(4))
    ax, ay, bx, by = (segments[None, :, k] for k in range(4))
    t_low = np.zeros(np.broadcast_shapes(x0.shape, ax.shape))
    t_high = np.ones_like(t_low)
    for start, step, low, high in ((ax, bx - ax, x0, x1), (ay, by - ay, y0, y1)):
        flat = step == 0
        safe = np.where(flat, 1.0, step)
        t1, t2 = (low - start) / safe, (high - start) / safe
        inside = (start >= low) & (start <= high)
        t_low = np.maximum(
            t_low, np.where(flat, np.where(inside, -np.inf, np.inf), np.minimum(t1, t2))
        )
        t_high = np.minimum(
            t_high, np.where(flat, np.where(inside, np.inf, -np.inf), np.maximum(t1, t2))
        )
    return t_low <= t_high


def _rect_segment_distance(rects: np.ndarray, segments: np.ndarray) -> np.ndarray:
    """``(N, M)`` distances between rectangles and segments (points are zero-length)."""
    if len(rects) == 0 or len(segments) == 0:
        return np.full((len(rects), len(segments)), np.inf)
    ax, ay, bx, by = (segments[None, :, k] for k in range(4))
    r = rects[:, None, :]
    dist = np.minimum(_point_rect_distance(ax, ay, r), _point_rect_distance(bx, by, r))
    vx, vy = bx - ax, by - ay
    length2 = vx * vx + vy * vy
    safe = np.where(length2 > 0, length2, 1.0)
    for cx, cy in ((0, 1), (0, 3), (2, 1), (2, 3)):
        px, py = rects[:, cx, None], rects[:, cy, None]
        t = np.clip(((px - ax) * vx + (py - ay) * vy) / safe, 0.0, 1.0)
        dist = np.minimum(dist, np.hypot(px - (ax + t * vx), py - (ay + t * vy)))
    return np.where(_segments_hit_rects(rects, segments), 0.0, dist)


def _point_segment_distance(px, py, segments: np.ndarray):
    """Distance from points to segments (broadcast over the leading axes)."""
    ax, ay, bx, by = (segments[..., k] for k in range(4))
    vx, vy = bx - ax, by - ay
    length2 = vx * vx + vy * vy
    t = np.clip(((px - ax) * vx + (py - ay) * vy) / np.where(length2 > 0, length2, 1.0), 0, 1)
    return np.hypot(px - (ax + t * vx), py - (ay + t * vy))


def _segments_cross(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``(N, M)``: do segments ``a`` and ``b`` properly cross (orientation test)."""
    A, B = a[:, None, :], b[None, :, :]

    def side(p, q, r):  # which side of the line p -> q the point r is on
        return np.sign((q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]))

    a0, a1 = (A[..., 0], A[..., 1]), (A[..., 2], A[..., 3])
    b0, b1 = (B[..., 0], B[..., 1]), (B[..., 2], B[..., 3])
    return (side(a0, a1, b0) * side(a0, a1, b1) < 0) & (side(b0, b1, a0) * side(b0, b1, a1) < 0)


def _segment_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``(N, M)`` distances between segments ``a`` and ``b`` (0 where they cross)."""
    if len(a) == 0 or len(b) == 0:
        return np.full((len(a), len(b)), np.inf)
    A, B = a[:, None, :], b[None, :, :]
    dist = np.minimum.reduce(
        [
            _point_segment_distance(A[..., 0], A[..., 1], B),
            _point_segment_distance(A[..., 2], A[..., 3], B),
            _point_segment_distance(B[..., 0], B[..., 1], A),
            _point_segment_distance(B[..., 2], B[..., 3], A),
        ]
    )
    return np.where(_segments_cross(a, b), 0.0, dist)


def _rects_overlap(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``(N, K)``: does rectangle n of ``a`` overlap rectangle k of ``b``."""
    return (
        (a[:, None, 0] < b[None, :, 2])
        & (b[None, :, 0] < a[:, None, 2])
        & (a[:, None, 1] < b[None, :, 3])
        & (b[None, :, 1] < a[:, None, 3])
    )


def _grow(rects: np.ndarray, by: float) -> np.ndarray:
    return rects + np.array([-by, -by, by, by])


def _direction_cost(angles: np.ndarray) -> np.ndarray:
    """Right of the mark reads first, then above-right, below, left (in points)."""
    return 2.5 * (1.0 - np.cos(angles - np.deg2rad(15.0)))


def _candidates(anchor: np.ndarray, width: float, height: float, ppt: float, start: float = 0.0):
    """Text boxes around ``anchor`` (display), their gap (points, beyond ``start`` pixels:
    the marker's edge) and direction cost."""
    gap_pt = np.asarray(_GAPS_PT)
    gap = start + gap_pt[:, None] * ppt  # (gaps, 1)
    c, s = np.cos(_ANGLES)[None, :], np.sin(_ANGLES)[None, :]
    x = anchor[0] + c * (gap + width / 2)
    y = anchor[1] + s * (gap + height / 2)
    cost = np.broadcast_to(_direction_cost(_ANGLES)[None, :], x.shape)
    gaps = np.broadcast_to(gap_pt[:, None], x.shape)
    xs, ys, costs, all_gaps = [x.ravel()], [y.ravel()], [cost.ravel()], [gaps.ravel()]
    # above or below: also start or end the text at the anchor; beside: also align its
    # top or its bottom with the anchor
    vertical, level = np.abs(s[0]) > 0.99, np.abs(c[0]) > 0.99
    slide = max(width / 2 - height / 2, 0.0)
    for columns, dx, dy in (
        (vertical, slide, 0.0),
        (vertical, -slide, 0.0),
        (level, 0.0, height / 2),
        (level, 0.0, -height / 2),
    ):
        xs.append((x[:, columns] + dx).ravel())
        ys.append((y[:, columns] + dy).ravel())
        costs.append((cost[:, columns] + 0.8).ravel())
        all_gaps.append(gaps[:, columns].ravel())
    x, y = np.concatenate(xs), np.concatenate(ys)
    boxes = np.column_stack([x - width / 2, y - height / 2, x + width / 2, y + height / 2])
    return boxes, np.concatenate(all_gaps), np.concatenate(costs)


def _nearest_points(rects: np.ndarray, points: np.ndarray) -> np.ndarray:
    """The point of each rectangle nearest to its point (``points`` is ``(N, 2)``)."""
    return np.column_stack(
        [
            np.clip(points[:, 0], rects[:, 0], rects[:, 2]),
            np.clip(points[:, 1], rects[:, 1], rects[:, 3]),
        ]
    )


@dataclass
class _Options:
    """Display-space inputs of one placement (pixels)."""

    bounds: np.ndarray  # (4,) the axes, shrunk by the padding
    marks: np.ndarray  # (M, 4) segments; points are zero-length
    owners: np.ndarray  # (M,) index of the label owning each mark (-1: none)
    marker_radius: float
    soft: np.ndarray  # (S, 4) segments better not covered (e.g. interval whiskers)
    soft_owners: np.ndarray
    obstacles: np.ndarray  # (O, 4) boxes no label may overlap (e.g. cell names)
    cuts: np.ndarray  # (C, 4) grid lines a label had better not straddle
    ppt: float  # pixels per point


def _static_costs(
    i: int,
    anchor_xy: np.ndarray,
    anchor_cost: float,
    size: tuple[float, float],
    pad: float,
    o: _Options,
):
    """Candidate boxes for label ``i`` at one anchor, their costs and leader segments."""
    width, height = size
    clear = _PAD_PT * o.ppt
    # gaps from a little inside the own marker's edge (the marker is drawn over the label)
    boxes, _gaps, costs = _candidates(anchor_xy, width, height, o.ppt, 0.6 * o.marker_radius)
    padded = _grow(boxes, pad)
    # how far the text is from its anchor, beyond the marker's edge (points)
    away = (_point_rect_distance(anchor_xy[0], anchor_xy[1], boxes) - o.marker_radius) / o.ppt
    leader = away > _LEADER_FROM_PT
    cost = 0.55 * np.maximum(away, 0.0) + costs + anchor_cost + 3.0 * leader
    # inside the axes
    outside = (
        (padded[:, 0] < o.bounds[0])
        | (padded[:, 1] < o.bounds[1])
        | (padded[:, 2] > o.bounds[2])
        | (padded[:, 3] > o.bounds[3])
    )
    cost = cost + _CLIPPED * outside
    if len(o.obstacles):
        cost = cost + _FORBIDDEN * _rects_overlap(_grow(padded, clear), o.obstacles).sum(axis=1)
    # no label covers a marker: markers sit at the ends of the marks; a label may touch
    # its own (it is drawn under the markers), never another's
    others = o.marks[o.owners != i]
    if len(others):
        ends = np.concatenate([others[:, :2], others[:, 2:]])
        near = _point_rect_distance(ends[None, :, 0], ends[None, :, 1], padded[:, None, :]) < (
            o.marker_radius + clear
        )
        cost = cost + _COVERS * near.sum(axis=1)
    # nearest mark: own, by a margin; and no label covers an arrow
    distance = _rect_segment_distance(boxes, o.marks)
    own = o.owners == i
    if own.any():
        d_own = distance[:, own].min(axis=1)
        d_other = distance[:, ~own].min(axis=1) if (~own).any() else np.full(len(boxes), np.inf)
        cost = cost + _FORBIDDEN * (d_own + _NEAREST_MARGIN_PT * o.ppt > d_other)
    lines = np.hypot(o.marks[:, 2] - o.marks[:, 0], o.marks[:, 3] - o.marks[:, 1]) > 0
    if lines.any():
        covered = _segments_hit_rects(padded, o.marks[lines])
        cost = cost + _COVERS * covered.sum(axis=1)
    if len(o.soft):
        hit = _segments_hit_rects(padded, o.soft)
        mine = o.soft_owners == i
        cost = cost + 40.0 * hit[:, ~mine].sum(axis=1) + 25.0 * hit[:, mine].sum(axis=1)
    if len(o.cuts):
        cost = cost + 5.0 * _segments_hit_rects(boxes, o.cuts).sum(axis=1)
    # leader lines: from the anchor to the nearest point of the box
    ends = _nearest_points(padded, np.repeat(anchor_xy[None, :], len(boxes), axis=0))
    leaders = np.column_stack([np.repeat(anchor_xy[None, :], len(boxes), axis=0), ends])
    if leader.any():
        others = o.marks[o.owners != i]
        crossing = np.zeros(len(boxes))
        if len(others):
            d = _segment_distance(leaders[leader], others)
            crossing[leader] += (d < o.marker_radius).sum(axis=1)
        if len(o.obstacles):
            crossing[leader] += 0.2 * _segments_hit_rects(o.obstacles, leaders[leader]).sum(axis=0)
        cost = cost + 150.0 * crossing
    return padded, cost, np.where(leader[:, None], leaders, np.nan)


def _reach(candidates) -> tuple[float, float, float, float]:
    """The rectangle every candidate box and leader of one label lies in."""
    boxes, _, leaders = candidates
    xs = np.concatenate([boxes[:, 0], boxes[:, 2], leaders[:, 0], leaders[:, 2]])
    ys = np.concatenate([boxes[:, 1], boxes[:, 3], leaders[:, 1], leaders[:, 3]])
    return np.nanmin(xs), np.nanmin(ys), np.nanmax(xs), np.nanmax(ys)


def _pair_matrix(a, b) -> np.ndarray | None:
    """Costs ``(Ka, Kb)`` of label a's candidates against label b's (None: never meet).

    Overlapping boxes and a leader crossing the other's box are forbidden; two leaders
    crossing cost a little (they can be hard to follow)."""
    boxes_a, _, leaders_a = a
    boxes_b, _, leaders_b = b
    ax0, ay0, ax1, ay1 = _reach(a)
    bx0, by0, bx1, by1 = _reach(b)
    if ax1 < bx0 or bx1 < ax0 or ay1 < by0 or by1 < ay0:
        return None
    forbidden = _rects_overlap(boxes_a, boxes_b)
    has_a, has_b = ~np.isnan(leaders_a[:, 0]), ~np.isnan(leaders_b[:, 0])
    if has_a.any():
        forbidden[has_a, :] |= _segments_hit_rects(boxes_b, leaders_a[has_a]).T
    if has_b.any():
        forbidden[:, has_b] |= _segments_hit_rects(boxes_a, leaders_b[has_b])
    cost = _OVERLAP * forbidden.astype(np.float32)
    if has_a.any() and has_b.any():
        crossed = _segments_cross(leaders_a[has_a], leaders_b[has_b])
        cost[np.ix_(has_a, has_b)] += 60.0 * crossed
    return cost


def _search(costs: list[np.ndarray], pairs: dict, order: list[int], budget: int = 4000):
    """Depth-first search, with forward checking, for candidates that keep the rule
    (static cost below :data:`_FORBIDDEN`, or the least bad where none does; no two
    labels overlapping): cheapest first, most constrained label next. Returns the
    choices, or None when ``budget`` nodes ran out."""
    n = len(costs)
    # a label with no legal place may take its least bad ones (the fewest breaches)
    alive = [c // _FORBIDDEN == (c // _FORBIDDEN).min() for c in costs]
    choice = [-1] * n
    nodes = 0

    def pair(i: int, j: int) -> np.ndarray | None:
        if (i, j) in pairs:
            return pairs[i, j]
        m = pairs.get((j, i))
        return None if m is None else m.T

    def step(alive: list[np.ndarray]) -> bool:
        nonlocal nodes
        free = [i for i in range(n) if choice[i] < 0]
        if not free:
            return True
        i = min(free, key=lambda k: (int(alive[k].sum()), order.index(k)))
        for v in np.flatnonzero(alive[i])[np.argsort(costs[i][alive[i]], kind="stable")]:
            nodes += 1
            if nodes > budget:
                return False
            pruned = list(alive)
            ok = True
            for j in free:
                if j == i:
                    continue
                m = pair(i, j)
                if m is not None:
                    pruned[j] = alive[j] & (m[v] < _FORBIDDEN)
                    if not pruned[j].any():
                        ok = False
                        break
            if not ok:
                continue
            choice[i] = int(v)
            if step(pruned):
                return True
            choice[i] = -1
            if nodes > budget:
                return False
        return False

    return choice if step(alive) else None


def place(sizes, anchors, pads, options: _Options):
    """Choose one box per label. ``sizes`` are each label's text ``(width, height)`` in
    each of its forms, ``anchors`` each label's ``[(x, y, cost)]`` in display
    coordinates, ``pads`` each box's padding (px).

    Returns ``(boxes, leaders, forms, breaches)``: the chosen text boxes ``(N, 4)``
    (without padding), leader segments ``(N, 4)`` (NaN for none), the form chosen and
    the number of breaches of the rule (in :data:`_FORBIDDEN` units) each label is
    left with (0 when it keeps the rule).
    """
    n = len(sizes)
    cands, form_of = [], []
    for i in range(n):
        parts = [
            (f, _static_costs(i, np.array([x, y]), c + _FORM_COST * f, size, pads[i], options))
            for f, size in enumerate(sizes[i])
            for x, y, c in anchors[i]
        ]
        padded = np.concatenate([p[0] for _, p in parts])
        cost = np.concatenate([p[1] for _, p in parts])
        leaders = np.concatenate([p[2] for _, p in parts])
        forms = np.concatenate([np.full(len(p[1]), f) for f, p in parts])
        keep = np.argsort(cost, kind="stable")[:_KEEP]
        cands.append((padded[keep], cost[keep], leaders[keep]))
        form_of.append(forms[keep])
    pairs = {}
    for i in range(n):
        for j in range(i + 1, n):
            m = _pair_matrix(cands[i], cands[j])
            if m is not None:
                pairs[i, j] = m
    costs = [c[1] for c in cands]

    def total(i: int, choice) -> np.ndarray:
        cost = costs[i].astype(float)
        for j in range(n):
            if j == i or choice[j] < 0:
                continue
            if (i, j) in pairs:
                cost += pairs[i, j][:, choice[j]]
            elif (j, i) in pairs:
                cost += pairs[j, i][choice[j], :]
        return cost

    feasible = [int((c < _FORBIDDEN).sum()) for c in costs]
    order = sorted(range(n), key=lambda i: (feasible[i], i))
    found = _search(costs, pairs, order)
    if found is None:  # no choice keeps the rule for all: cheapest breaches, greedily
        choice = np.full(n, -1)
        for i in order:
            choice[i] = int(np.argmin(total(i, choice)))
    else:
        choice = np.array(found)
    for _ in range(25):  # polish: each label the cheapest given the others
        changed = False
        for i in order:
            cost = total(i, choice)
            best = int(np.argmin(cost))
            if cost[best] < cost[choice[i]] - 1e-9:
                choice[i], changed = best, True
        if not changed:
            break
    boxes = np.array([_grow(cands[i][0][choice[i]][None, :], -pads[i])[0] for i in range(n)])
    leaders = np.array([cands[i][2][choice[i]] for i in range(n)]).reshape(n, 4)
    breaches = np.array([total(i, choice)[choice[i]] // _FORBIDDEN for i in range(n)])
    forms = np.array([form_of[i][choice[i]] for i in range(n)], dtype=int)
    return boxes.reshape(n, 4), leaders, forms, breaches.reshape(n)


class LabelPlacer(Artist):
    """An invisible artist that places ``labels`` each time the chart's layout changes.

    ``marks`` are ``(x0, y0, x1, y1)`` segments in data coordinates (points are
    zero-length) with ``owners`` (the index of the label they belong to, -1 for
    none), a marker of ``marker_radius`` points drawn at each end;
    ``soft`` segments (e.g. whiskers) that labels had better not cover, with their
    owners; ``avoid`` texts no label may overlap; ``cuts`` lines (data coordinates)
    a label had better not straddle.
    """

    def __init__(
        self,
        ax: Axes,
        labels: Sequence[PlacedLabel],
        *,
        marks: np.ndarray,
        owners: np.ndarray,
        marker_radius: float,
        soft: np.ndarray | None = None,
        soft_owners: np.ndarray | None = None,
        avoid: Sequence[Text] = (),
        cuts: np.ndarray | None = None,
        leader_colour: str = "#6E6E6E",
    ) -> None:
        super().__init__()
        self.set_zorder(-100)  # drawn first: the labels it moves draw after it
        self.set_in_layout(False)
        self.axes = ax
        self.labels = list(labels)
        self.marks = np.asarray(marks, dtype=float).reshape(-1, 4)
        self.owners = np.asarray(owners, dtype=int).reshape(-1)
        self.marker_radius = float(marker_radius)
        self.soft = np.zeros((0, 4)) if soft is None else np.asarray(soft, float).reshape(-1, 4)
        self.soft_owners = (
            np.zeros(0, int) if soft_owners is None else np.asarray(soft_owners, int).reshape(-1)
        )
        self.avoid = list(avoid)
        self.cuts = np.zeros((0, 4)) if cuts is None else np.asarray(cuts, float).reshape(-1, 4)
        self.breaches = np.zeros(len(self.labels))
        self._key = None
        self._forms = [(lb.text.get_text(), *lb.forms) for lb in self.labels]
        for label in self.labels:
            label.text.set_horizontalalignment("center")
            label.text.set_verticalalignment("center")
            label.text.set_in_layout(False)
            if label.leader is None:
                (label.leader,) = ax.plot(
                    [], [], color=leader_colour, lw=0.7, zorder=3.4, gid=GID_LABEL_LEADER
                )
                label.leader.set_in_layout(False)

    def _layout(self, renderer) -> tuple[np.ndarray, tuple]:
        """The axes' size in inches and what else the places depend on."""
        box = self.axes.get_window_extent(renderer)
        dpi = self.axes.figure.dpi
        rest = (
            tuple(self.axes.get_xlim()),
            tuple(self.axes.get_ylim()),
            tuple(self._forms),
            tuple(lb.text.get_fontsize() for lb in self.labels),
            tuple(t.get_text() for t in self.avoid),
        )
        return np.array([box.width / dpi, box.height / dpi]), rest

    def draw(self, renderer) -> None:
        size, rest = self._layout(renderer)
        # Re-placed only when the axes' size changed by more than the layout's jitter
        # between resolutions (so a PNG at 300 dpi and the SVG keep the same places).
        if (
            self._key is None
            or rest != self._key[1]
            or np.abs(size - self._key[0]).max() > _SAME_SIZE_IN
        ):
            self.place(renderer)
            self._key = (size, rest)

    def place(self, renderer) -> None:
        """Place every label for the axes as they are now."""
        ax = self.axes
        to_display = ax.transData.transform
        ppt = renderer.points_to_pixels(1.0)
        box = ax.get_window_extent(renderer)
        inset = 2.0 * ppt
        sizes, pads, anchors = [], [], []
        for label, forms in zip(self.labels, self._forms, strict=True):
            sizes.append([])
            for form in forms:
                label.text.set_text(form)
                extent = label.text.get_window_extent(renderer)
                sizes[-1].append((extent.width, extent.height))
            patch = label.text.get_bbox_patch()
            pad = 0.0
            if patch is not None:
                pad = patch.get_boxstyle().pad * label.text.get_fontsize() * ppt
            pads.append(pad)
            xy = to_display(np.array([(x, y) for x, y, _ in label.anchors], dtype=float))
            anchors.append([(x, y, c) for (x, y), (_, _, c) in zip(xy, label.anchors, strict=True)])

        def segments(data: np.ndarray) -> np.ndarray:
            if not len(data):
                return np.zeros((0, 4))
            return np.column_stack([to_display(data[:, :2]), to_display(data[:, 2:])])

        obstacles = [t.get_window_extent(renderer) for t in self.avoid if t.get_text().strip()]
        options = _Options(
            bounds=np.array([box.x0 + inset, box.y0 + inset, box.x1 - inset, box.y1 - inset]),
            marks=segments(self.marks),
            owners=self.owners,
            marker_radius=self.marker_radius * ppt,
            soft=segments(self.soft),
            soft_owners=self.soft_owners,
            obstacles=np.array([(b.x0, b.y0, b.x1, b.y1) for b in obstacles]).reshape(-1, 4),
            cuts=segments(self.cuts),
            ppt=ppt,
        )
        boxes, leaders, chosen_forms, self.breaches = place(sizes, anchors, pads, options)
        to_data = ax.transData.inverted().transform
        for label, forms, form, chosen, lead in zip(
            self.labels, self._forms, chosen_forms, boxes, leaders, strict=True
        ):
            label.text.set_text(forms[form])
            centre = ((chosen[0] + chosen[2]) / 2, (chosen[1] + chosen[3]) / 2)
            label.text.set_position(tuple(to_data(np.array([centre]))[0]))
            if np.isnan(lead).any():
                label.leader.set_data([], [])
                continue
            start, end = lead[:2], lead[2:]
            length = np.hypot(*(end - start))
            shrink = min(self.marker_radius * ppt + 1.0 * ppt, length / 2)
            start = start + (end - start) * shrink / max(length, 1e-9)
            xy = to_data(np.array([start, end]))
            label.leader.set_data(xy[:, 0], xy[:, 1])
