"""A council's PFI contracts as bars over time, against its political control.

:func:`contracts_timeline_data` joins one council's contracts (from
:func:`coprod.io.pfi.read_pfi_projects`) to its control history (from
:func:`coprod.politics.read_control_history`, columns ``council_code, year, control``);
:func:`plot_contracts_timeline` draws each contract as a horizontal bar from financial
close to expected end, labelled on the bar (project and sector), under a strip of the
council's control bands and over the same bands drawn lighter, with a line at each
change of control, so a reader sees the contracts run straight through changes in
control. The bands, party colours and legend are the control charts' own
(:mod:`coprod.charts.politics`: ``control_bands_data``, ``_draw_control_bands``,
``PARTY_COLOURS``). Years after the control history ends are left white.

Nothing is shown or saved here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from coprod._core.columns import require_columns
from coprod._core.text import label_key
from coprod.charts._style import (
    ANNOT_SIZE,
    FIGURE_WIDTH,
    LABEL_SIZE,
    MUTED_COLOUR,
    SMALL_SIZE,
    TEXT_COLOUR,
    TICK_SIZE,
    TITLE_SIZE,
    draw_source_note,
    get_ax,
    text_colour_for,
)
from coprod.charts.politics import PARTY_COLOURS
from coprod.provenance import keep_source

if TYPE_CHECKING:  # heavy to import and only annotate here
    from matplotlib.axes import Axes

    from coprod.provenance import Source

__all__ = [
    "GID_CONTRACT",
    "GID_CONTRACT_LABEL",
    "GID_CONTROL_LABEL",
    "contracts_timeline_data",
    "plot_contracts_timeline",
]

#: gids of the artists, for tests and users.
GID_CONTRACT = "pfi-contract"
GID_CONTRACT_LABEL = "pfi-contract-label"
GID_CONTROL_LABEL = "pfi-control-label"

_BAR_COLOUR = "#3B3B3B"
#: Room kept free at the right end of a bar's label, as a share of the bar's length.
_LABEL_MARGIN = 0.04

_COLUMNS = (
    "element",
    "council_code",
    "council",
    "y",
    "start",
    "end",
    "label",
    "project_id",
    "sector",
    "control",
    "changed",
    "first_year",
    "last_year",
)


def _decimal_year(dates: pd.Series) -> np.ndarray:
    """A date as a year with its fraction (1 July 2003 -> 2003.5)."""
    days = np.where(dates.dt.is_leap_year, 366.0, 365.0)
    return (dates.dt.year + (dates.dt.day_of_year - 1) / days).to_numpy(dtype="float64")


def _cut(label: str, chars: int) -> str:
    """Each line of ``label`` cut to ``chars`` characters (with "…" where cut)."""
    lines = []
    for line in str(label).split("\n"):
        lines.append(line if len(line) <= chars else line[: max(chars - 1, 1)].rstrip() + "…")
    return "\n".join(lines)


def _fit_labels(ax: Axes, pairs: list[tuple[Any, Any]]) -> None:
    """Cut each bar's label (with "…") until it fits inside its bar, as drawn: the figure
    is laid out first, then each text measured against its bar (longest lines first)."""
    figure = ax.figure
    figure.draw_without_rendering()
    renderer = figure.canvas.get_renderer()
    for bar, text in pairs:
        full = text.get_text()
        bar_box = bar.get_window_extent(renderer)
        room = bar_box.x1 - bar_box.width * _LABEL_MARGIN
        chars = max(len(line) for line in full.split("\n"))
        while chars > 1 and text.get_window_extent(renderer).x1 > room:
            chars -= 1
            text.set_text(_cut(full, chars))


def _control_bands(history: pd.DataFrame, code: str, name: str) -> pd.DataFrame:
    """The council's runs of years under one control, as the control charts draw them
    (:func:`coprod.charts.politics.control_bands_data`), or no rows without a history."""
    from coprod.charts.politics import control_bands_data

    one = history.loc[history["council_code"] == code]
    if one.empty:
        return pd.DataFrame(columns=["element"])
    if "council_key" not in one:
        one = one.assign(council_key=code)
    bands = control_bands_data(one, councils=[code])
    bands = bands.loc[bands["row"] == 0]  # (one council: its first key, as the control charts)
    return pd.DataFrame(
        {
            "element": "control",
            "council_code": code,
            "council": name,
            "start": bands["start"].astype("float64").to_numpy(),
            "end": bands["end"].astype("float64").to_numpy(),
            "label": bands["control"].to_numpy(),
            "control": bands["control"].to_numpy(),
            "changed": bands["changed"].to_numpy(dtype=bool),
            "first_year": bands["start"].to_numpy(),
            "last_year": bands["end"].to_numpy() - 1,
        }
    )


def contracts_timeline_data(
    projects: Any, control_history: pd.DataFrame, council: str
) -> pd.DataFrame:
    """The bars and bands of :func:`plot_contracts_timeline` for one council.

    Parameters
    ----------
    projects:
        :func:`coprod.io.pfi.read_pfi_projects`'s result, or its ``data``
        (``council_code``, ``council``, ``project_id``, ``project``, ``sector``,
        ``financial_close``, ``expected_end``).
    control_history:
        One row per council and year with ``council_code``, ``year`` and ``control``
        (the party in control, or "NOC"), e.g. ``read_control_history(...).data`` (its
        ``council_key`` tells apart councils sharing a code, when given).
    council:
        The council's GSS code (``"E08000019"``) or name as in ``projects`` (``"Sheffield"``).

    Returns
    -------
    One tidy frame, a row per thing drawn: ``element`` is ``"contract"`` (a bar: ``y``
    its row, first signed at the top, ``start``/``end`` the financial close and the
    expected end as decimal years, ``label`` the project's name and, on a second line, its sector, ``project_id``,
    ``sector``) or ``"control"`` (a band: the years ``first_year`` to ``last_year`` under
    one ``control``, drawn from ``start = first_year`` to ``end = last_year + 1``;
    ``changed``: the band begins with a change of control), the bands being those of
    :func:`coprod.charts.politics.control_bands_data` (years without control are
    ``"(not given)"``).
    """
    frame = (
        projects.data if hasattr(projects, "data") and hasattr(projects, "charges") else projects
    )
    need = ["council_code", "council", "project_id", "financial_close", "expected_end"]
    require_columns(frame, need, what="contracts_timeline_data: projects")
    require_columns(
        control_history,
        ["council_code", "year", "control"],
        what="contracts_timeline_data: control_history",
        hint="pass read_control_history(...).data",
    )
    wanted = label_key(council)
    mine = frame.loc[
        (frame["council_code"].map(label_key) == wanted)
        | (frame["council"].map(label_key) == wanted)
    ]
    if mine.empty:
        councils = sorted(frame["council"].dropna().unique())
        raise ValueError(
            f"no PFI contract of a council {council!r}: give a GSS code or a council name as "
            f"in the projects' council column, e.g. {councils[:3]}"
        )
    codes = mine["council_code"].unique()
    if len(codes) > 1:
        raise ValueError(f"{council!r} names more than one council: {sorted(codes)}")
    code = codes[0]
    name = mine["council"].iloc[0]
    mine = mine.sort_values(["financial_close", "project_id"], kind="stable")
    sector = mine["sector"] if "sector" in mine else pd.Series(pd.NA, index=mine.index)
    project = mine["project"] if "project" in mine else mine["project_id"]
    labels = [
        " ".join(str(p).split()) + (f"\n{s}" if isinstance(s, str) else "")
        for s, p in zip(sector, project, strict=True)
    ]
    bars = pd.DataFrame(
        {
            "element": "contract",
            "council_code": code,
            "council": name,
            "y": np.arange(len(mine), dtype="float64")[::-1],
            "start": _decimal_year(mine["financial_close"]),
            "end": _decimal_year(mine["expected_end"]),
            "label": labels,
            "project_id": mine["project_id"].to_numpy(),
            "sector": sector.to_numpy(),
        }
    )
    bands = _control_bands(control_history, code, name)
    out = pd.concat([bars, bands], ignore_index=True) if len(bands) else bars
    for column in _COLUMNS:
        if column not in out:
            out[column] = pd.NA
    out["changed"] = out["changed"].astype("boolean")
    out["first_year"] = out["first_year"].astype("Int64")
    out["last_year"] = out["last_year"].astype("Int64")
    return keep_source(out[list(_COLUMNS)], frame, control_history)


def plot_contracts_timeline(
    data: pd.DataFrame,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    source: Source | str | None = None,
) -> Axes:
    """Draw :func:`contracts_timeline_data`: contracts as bars over the control bands.

    Each contract is a dark bar from financial close to expected end with its label
    (project, and sector below it) on the bar, cut with "…" where the bar is too short.
    Above the bars, a strip of the council's control bands, drawn as the control charts
    draw them (:func:`coprod.charts.politics._draw_control_bands`: party colours, NOC grey,
    a black tick at each change of control), its party named where the band is wide
    enough; behind the bars, the same bands lighter and a thin line at each change, so the
    contracts are seen running through the changes. The parties are in the legend. Years
    after the control history ends are left white ("control not yet known").

    ``source``: the note printed under the chart; None (default) prints the source the data
    carries (``coprod.provenance``), text is printed as written, "" prints none.
    """
    from coprod.charts.politics import GID_CHANGE, _draw_control_bands, _legend_entries

    require_columns(
        data, ["element", "y", "start", "end", "label", "control"], what="plot_contracts_timeline"
    )
    bars = data.loc[data["element"] == "contract"]
    bands = data.loc[data["element"] == "control"]
    if bars.empty:
        raise ValueError("plot_contracts_timeline: the data has no contract to draw")
    n = len(bars)
    ax = get_ax(ax, figsize=(FIGURE_WIDTH, 1.7 + 0.45 * n))
    lo = float(np.floor(bars["start"].min())) - 4
    if len(bands):
        lo = max(lo, float(bands["start"].min()))
    hi = float(np.ceil(bars["end"].max())) + 1
    shown = bands.loc[(bands["end"] > lo) & (bands["start"] < hi)].copy()
    shown["start"] = shown["start"].clip(lower=lo)
    shown["end"] = shown["end"].clip(upper=hi)
    if "changed" in shown:
        # a band cut at the left edge does not begin with a change there
        shown["changed"] = shown["changed"].fillna(False).astype(bool) & (shown["start"] > lo)
    strip_y, strip_height = n - 0.5 + 0.2, 0.7
    if len(shown):
        # behind the bars: the bands, lighter, and a line at each change of control
        behind = _draw_control_bands(ax, shown, y=-0.7, height=strip_y - (-0.7))
        for artist in behind.values():
            artist.set_alpha(0.3)
            artist.set_zorder(0)
            artist.set_edgecolor("none")
            artist.set_gid(f"{artist.get_gid()}-behind")
        for line in ax.findobj(lambda a: a.get_gid() == GID_CHANGE):
            line.set_linewidth(0.8)
            line.set_zorder(1)
            line.set_gid(f"{GID_CHANGE}-behind")
        # above the bars: the strip, as in the control charts
        _draw_control_bands(ax, shown, y=strip_y, height=strip_height)
        for band in shown.itertuples(index=False):
            if band.end - band.start >= 3:
                ax.text(
                    (band.start + band.end) / 2,
                    strip_y + strip_height / 2,
                    band.control,
                    ha="center",
                    va="center",
                    fontsize=SMALL_SIZE,
                    color=text_colour_for(PARTY_COLOURS.get(band.control, "#FFFFFF")),
                    zorder=4,
                    gid=GID_CONTROL_LABEL,
                )
        last = float(bands["end"].max())
        if last < hi:
            ax.text(
                last + 0.3,
                strip_y + strip_height / 2,
                "control not\nyet known",
                ha="left",
                va="center",
                fontsize=SMALL_SIZE,
                color=MUTED_COLOUR,
            )
    ax.set_xlim(lo, hi)
    drawn = []
    for bar in bars.itertuples(index=False):
        patches = ax.barh(
            bar.y,
            bar.end - bar.start,
            left=bar.start,
            height=0.8,
            color=_BAR_COLOUR,
            edgecolor="white",
            linewidth=0.6,
            zorder=2,
            gid=GID_CONTRACT,
        )
        text = ax.text(
            bar.start + 0.35,
            bar.y,
            bar.label,
            ha="left",
            va="center",
            fontsize=ANNOT_SIZE,
            linespacing=1.15,
            color="white",
            clip_on=True,
            zorder=3,
            gid=GID_CONTRACT_LABEL,
        )
        drawn.append((patches[0], text))
    ax.set_ylim(-0.7, strip_y + strip_height + 0.15)
    ax.set_yticks([])
    ax.tick_params(axis="x", labelsize=TICK_SIZE)
    ax.set_xlabel(
        "Year (bars: financial close to the expected end of the contract)", fontsize=LABEL_SIZE
    )
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    if len(shown):
        with_change = bool(shown["changed"].any()) if "changed" in shown else False
        handles, labels = _legend_entries(shown["control"].unique().tolist(), with_change)
        below = 0.65 / (ax.get_position().height * ax.figure.get_figheight())  # 0.65 in
        ax.legend(
            handles,
            labels,
            loc="upper center",
            bbox_to_anchor=(0.5, -below),
            ncol=min(4, len(labels)),
            fontsize=SMALL_SIZE,
            frameon=False,
        )
    council = bars["council"].iloc[0]
    ax.set_title(
        title or f"{council}: PFI contracts run through changes of control",
        fontsize=TITLE_SIZE,
        loc="left",
        color=TEXT_COLOUR,
    )
    _fit_labels(ax, drawn)
    draw_source_note(ax, source, data)
    return ax
