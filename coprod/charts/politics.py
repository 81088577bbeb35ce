"""Charts of political control: bands for a few councils, a heat strip for hundreds, and the
distribution of changes per council per decade.

Each chart is a pure ``*_data()`` function of a control history (the ``data`` of
:func:`coprod.io.control_history.read_control_history`) and a ``plot_*()`` that draws what it
returns and gives back the Axes (nothing is shown or saved):

* :func:`control_bands_data` / :func:`plot_control_bands`: control over the years for a few
  councils, one row each, coloured bands per party, NOC grey, each change of control marked
  with a black tick.
* :func:`control_strip_data` / :func:`plot_control_strip`: the same for hundreds of councils as
  a heat strip, sorted by nation and council type.
* :func:`changes_distribution_data` / :func:`plot_changes_distribution`: how many councils
  changed control how often per decade.

Party colours are the parties' own, moved where needed so that colour-blind readers can tell
the common pairs apart (:data:`PARTY_COLOURS`, one place; the Okabe-Ito colours where they
fit: Labour vermillion, not red, against Conservative blue; Green bluish green; Reform sky
blue). :func:`_draw_control_bands` is the band drawing, shared with
:mod:`coprod.charts.pfi` (contracts drawn over a council's control).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from coprod._core.columns import by_list, require_columns
from coprod.charts._style import (
    FIGURE_WIDTH,
    LABEL_SIZE,
    MUTED_COLOUR,
    NEUTRAL_COLOUR,
    SMALL_SIZE,
    TEXT_COLOUR,
    TICK_SIZE,
    TITLE_SIZE,
    draw_source_note,
    get_ax,
)
from coprod.provenance import keep_source
from coprod.vocab import CONTROL_CODES, NO_OVERALL_CONTROL, PARTY_NAMES

if TYPE_CHECKING:  # heavy to import and only annotate here
    from matplotlib.axes import Axes

    from coprod.provenance import Source

__all__ = [
    "GID_BAND",
    "GID_CHANGE",
    "MISSING_CONTROL_COLOUR",
    "PARTY_COLOURS",
    "changes_distribution_data",
    "control_bands_data",
    "control_strip_data",
    "plot_changes_distribution",
    "plot_control_bands",
    "plot_control_strip",
]

#: One colour per control code (:data:`coprod.vocab.CONTROL_CODES`).
PARTY_COLOURS: Mapping[str, str] = {
    "Con": "#0072B2",  # blue
    "Lab": "#D55E00",  # vermillion (Labour red, told apart from green by colour-blind readers)
    "LD": "#E69F00",  # orange
    "SNP": "#F0E442",  # yellow
    "PC": "#117733",  # dark green (Plaid Cymru)
    "Green": "#009E73",  # bluish green
    "Reform": "#56B4E9",  # sky blue
    "UKIP": "#882255",  # wine (UKIP purple)
    "Ind": "#CC79A7",  # reddish purple: independents and local groups
    "Nat": "#DDCC77",  # sand: SNP or Plaid Cymru (1973-2015, nation unknown)
    NO_OVERALL_CONTROL: NEUTRAL_COLOUR,  # grey
}
#: Fill of a year whose control is not given (NULL): white, hatched.
MISSING_CONTROL_COLOUR = "#FFFFFF"
#: gids of the artists, for tests and users: bands (``control-band-<code>``) and change ticks.
GID_BAND = "control-band"
GID_CHANGE = "control-change"
_CHANGE_COLOUR = TEXT_COLOUR
_MISSING = "(not given)"


def _colour(code: Any) -> str:
    return (
        PARTY_COLOURS.get(code, MISSING_CONTROL_COLOUR)
        if isinstance(code, str)
        else (MISSING_CONTROL_COLOUR)
    )


_SHORT_NAMES = {"SNP": "SNP", "Ind": "Independents, local groups"}


def _label_of(code: str) -> str:
    if code == _MISSING:
        return "control not given"
    return _SHORT_NAMES.get(code, PARTY_NAMES.get(code, code))


# --------------------------------------------------------------------------- bands


def _bands(one: pd.DataFrame, changed_years: set[int]) -> list[dict[str, Any]]:
    """Runs of consecutive years with the same control, for one council sorted by year."""
    out: list[dict[str, Any]] = []
    for year, control in zip(one["year"].tolist(), one["control"].tolist(), strict=True):
        code = control if isinstance(control, str) else _MISSING
        last = out[-1] if out else None
        if last is not None and last["end"] == year and last["control"] == code:
            last["end"] = year + 1
            continue
        out.append(
            {"start": year, "end": year + 1, "control": code, "changed": year in changed_years}
        )
    return out


def _select(history: pd.DataFrame, councils: Sequence[str]) -> list[str]:
    """The council keys named by ``councils`` (keys, GSS codes or names), in order."""
    if isinstance(councils, str):
        councils = [councils]
    keys: list[str] = []
    for wanted in councils:
        found = []
        for col in ("council_key", "council_code", "council"):
            if col in history.columns:
                hit = history.loc[history[col] == wanted, "council_key"].unique().tolist()
                if hit:  # councils with a code first (Durham before "Durham [2]")
                    found = sorted(hit, key=lambda k: k.endswith("]"))
                    break
        if not found:
            import difflib

            names = sorted(set(history.get("council", history["council_key"]).dropna()))
            close = difflib.get_close_matches(str(wanted), names, n=3)
            raise KeyError(
                f"no council {wanted!r} in the history (looked in council_key, council_code "
                "and council)" + (f"; did you mean {', '.join(map(repr, close))}?" if close else "")
            )
        keys.extend(k for k in found if k not in keys)
    return keys


def control_bands_data(
    history: pd.DataFrame,
    *,
    councils: Sequence[str],
    years: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """The bands :func:`plot_control_bands` draws: one row per run of years under one control.

    Parameters
    ----------
    history:
        A control history (``council_key``, ``year``, ``control``; ``council`` and
        ``council_code`` are used when present).
    councils:
        The councils to show, top to bottom: council keys, GSS codes or names (a name shared
        by two councils, such as "Durham", shows both).
    years:
        ``(first, last)``: only these years (both included).

    Returns
    -------
    DataFrame with ``label`` (the council's name; a second council of a name keeps its key,
    "Durham [2]"), ``council_key``, ``council_code``, ``row`` (0 at the top), ``start`` and
    ``end`` (years; ``end`` is the year after the last), ``control`` (a code, or "(not
    given)" for years without control) and ``changed`` (the band begins with a change of
    control, as :func:`coprod.politics.control_changes` counts them).
    """
    from coprod.politics.control import control_changes

    require_columns(history, ["council_key", "year", "control"], what="control_bands_data")
    keys = _select(history, councils)
    chosen = history[history["council_key"].isin(keys)]
    if years is not None:
        chosen = chosen[chosen["year"].between(years[0], years[1])]
    changes = control_changes(chosen)
    rows = []
    for row, key in enumerate(keys):
        one = chosen[chosen["council_key"] == key].sort_values("year")
        name = one["council"].iloc[-1] if "council" in one and len(one) else key
        label = key if key.startswith(f"{name} [") else name
        code = one["council_code"].iloc[-1] if "council_code" in one and len(one) else None
        changed = set(changes.loc[changes["council_key"] == key, "year"].tolist())
        for band in _bands(one, changed):
            rows.append(
                {"label": label, "council_key": key, "council_code": code, "row": row, **band}
            )
    out = pd.DataFrame(
        rows,
        columns=[
            "label",
            "council_key",
            "council_code",
            "row",
            "start",
            "end",
            "control",
            "changed",
        ],
    )
    out = out.astype({"row": "int64", "start": "int64", "end": "int64", "changed": "bool"})
    return keep_source(out, history)


def _draw_control_bands(
    ax: Axes, bands: pd.DataFrame, *, y: float, height: float
) -> dict[str, Any]:
    """Draw one council's control bands on ``ax`` between ``y`` and ``y + height``.

    ``bands`` has ``start``, ``end`` and ``control`` (and optionally ``changed``: a black
    tick at the start of each band that begins with a change of control). Returns
    ``{control code: artist}`` for a legend (``"(not given)"`` for years without control).
    Artists carry gids ``control-band-<code>`` and ``control-change``.
    """
    handles: dict[str, Any] = {}
    for code, same in bands.groupby("control", sort=False):
        spans = list(zip(same["start"], same["end"] - same["start"], strict=True))
        missing = code == _MISSING
        artist = ax.broken_barh(
            spans,
            (y, height),
            facecolors=_colour(None if missing else code),
            edgecolors=MUTED_COLOUR if missing else "white",
            linewidth=0.6,
            hatch="///" if missing else None,
            gid=f"{GID_BAND}-{code}",
        )
        handles[str(code)] = artist
    if "changed" in bands.columns:
        starts = bands.loc[bands["changed"].astype(bool), "start"].to_numpy(dtype=float)
        if len(starts):
            ax.vlines(
                starts,
                y - 0.12 * height,
                y + 1.12 * height,
                colors=_CHANGE_COLOUR,
                linewidth=1.6,
                gid=GID_CHANGE,
                zorder=3,
            )
    return handles


def _legend_entries(codes: Sequence[str], with_change: bool) -> tuple[list[Any], list[str]]:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    order = [c for c in (*CONTROL_CODES, _MISSING) if c in set(codes)]
    handles: list[Any] = [
        Patch(
            facecolor=_colour(None if c == _MISSING else c),
            edgecolor=MUTED_COLOUR if c in (_MISSING, NO_OVERALL_CONTROL) else "none",
            hatch="///" if c == _MISSING else None,
        )
        for c in order
    ]
    labels = [_label_of(c) for c in order]
    if with_change:
        handles.append(Line2D([], [], color=_CHANGE_COLOUR, linewidth=1.6, marker="|", ms=10))
        labels.append("change of control")
    return handles, labels


def plot_control_bands(
    data: pd.DataFrame,
    *,
    ax: Axes | None = None,
    title: str | None = "Who controlled the council",
    legend: bool = True,
    source: Source | str | None = None,
) -> Axes:
    """Control over time for a few councils: a row of coloured bands per council (NOC grey),
    each change of control marked with a black tick; council names on the y axis, the

    ``source``: the note printed under the chart; None (default) prints the source the data
    carries (``coprod.provenance``), text is printed as written, "" prints none.
    parties in a legend below. ``data`` is :func:`control_bands_data`'s frame."""
    require_columns(data, ["label", "row", "start", "end", "control"], what="plot_control_bands")
    n = int(data["row"].max()) + 1 if len(data) else 0
    ax = get_ax(ax, figsize=(FIGURE_WIDTH, 1.7 + 0.36 * max(n, 1)))
    height = 0.7
    for row, one in data.groupby("row", sort=True):
        _draw_control_bands(ax, one, y=row - height / 2, height=height)
    labels = data.drop_duplicates("row").sort_values("row")["label"].tolist()
    ax.set_yticks(range(n), labels, fontsize=TICK_SIZE)
    ax.set_ylim(n - 0.5, -0.5)
    if len(data):
        ax.set_xlim(int(data["start"].min()), int(data["end"].max()))
    ax.set_xlabel("year", fontsize=LABEL_SIZE)
    ax.tick_params(axis="x", labelsize=TICK_SIZE)
    ax.tick_params(axis="y", length=0)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    if title:
        ax.set_title(title, fontsize=TITLE_SIZE, loc="left", color=TEXT_COLOUR)
    if legend and len(data):
        changed = bool(data.get("changed", pd.Series(dtype=bool)).any())
        handles, names = _legend_entries(data["control"].unique().tolist(), changed)
        ax.legend(
            handles,
            names,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.16 if n > 3 else -0.3),
            ncol=min(4, len(names)),
            fontsize=SMALL_SIZE,
            frameon=False,
        )
    draw_source_note(ax, source, data)
    return ax


# --------------------------------------------------------------------------- heat strip


def control_strip_data(
    history: pd.DataFrame,
    *,
    by: str | Sequence[str] = ("nation", "council_type"),
    years: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """The cells of :func:`plot_control_strip`: one row per council and year.

    Councils are sorted by the ``by`` columns (missing last: councils not in the lookup),
    then by name; councils without a known control in the years shown are left out.
    Columns: ``row`` (0 at the top), ``council``, ``council_key``, ``group`` (the first
    ``by`` column, or "not in the lookup"), ``subgroup`` (the others joined by " · "),
    ``year``, ``control`` (a code, or "(not given)").
    """
    groups = by_list(by)
    require_columns(history, ["council_key", "year", "control", *groups], what="control_strip_data")
    chosen = history
    if years is not None:
        chosen = chosen[chosen["year"].between(years[0], years[1])]
    known = chosen.groupby("council_key")["control"].count()
    chosen = chosen[chosen["council_key"].isin(known.index[known > 0])]
    last = chosen.sort_values("year").groupby("council_key").last()
    name = last["council"] if "council" in last else pd.Series(last.index, index=last.index)
    order = pd.DataFrame({"name": name})
    for g in groups:
        order[g] = last[g]
    order = order.sort_values([*groups, "name"], na_position="last", kind="stable")
    order["row"] = np.arange(len(order))
    first = groups[0] if groups else None
    order["group"] = (
        order[first].astype(object).where(order[first].notna(), "not in the lookup")
        if first
        else "all councils"
    )
    rest = groups[1:]
    order["subgroup"] = (
        order[rest].astype(object).fillna("").astype(str).agg(" · ".join, axis=1) if rest else ""
    )
    cells = (
        chosen[["council_key", "year", "control"]]
        .reset_index(drop=True)
        .join(order[["row", "name", "group", "subgroup"]], on="council_key")
    )
    cells = cells.rename(columns={"name": "council"})
    cells["control"] = cells["control"].astype(object).where(cells["control"].notna(), _MISSING)
    cells = cells.sort_values(["row", "year"]).reset_index(drop=True)
    return keep_source(
        cells[["row", "council", "council_key", "group", "subgroup", "year", "control"]], history
    )


def plot_control_strip(
    data: pd.DataFrame,
    *,
    ax: Axes | None = None,
    title: str | None = "Control of every council, year by year",
    source: Source | str | None = None,
) -> Axes:
    """A heat strip: one thin row per council, one column per year, coloured by control;
    groups (nations) labelled on the y axis and separated by lines, council types within a
    group by thin lines; the parties in a legend below. ``data`` is

    ``source``: the note printed under the chart; None (default) prints the source the data
    carries (``coprod.provenance``), text is printed as written, "" prints none.
    :func:`control_strip_data`'s frame."""
    from matplotlib.colors import ListedColormap

    require_columns(data, ["row", "year", "control", "group"], what="plot_control_strip")
    ax = get_ax(ax, figsize=(FIGURE_WIDTH, 6.2))
    present = [c for c in (*CONTROL_CODES, _MISSING) if c in set(data["control"])]
    codes = {c: i for i, c in enumerate(present)}
    n_rows = int(data["row"].max()) + 1
    first, last = int(data["year"].min()), int(data["year"].max())
    grid = np.full((n_rows, last - first + 1), np.nan)
    grid[data["row"].to_numpy(), (data["year"] - first).to_numpy()] = data["control"].map(codes)
    cmap = ListedColormap([_colour(None if c == _MISSING else c) for c in present]).with_extremes(
        bad="white"
    )
    ax.imshow(
        np.ma.masked_invalid(grid),
        aspect="auto",
        interpolation="nearest",
        cmap=cmap,
        vmin=-0.5,
        vmax=len(present) - 0.5,
        extent=(first - 0.5, last + 0.5, n_rows - 0.5, -0.5),
        gid="control-strip",
    )
    rows = data.drop_duplicates("row").sort_values("row")
    starts = rows.groupby("group", sort=False)["row"].agg(["min", "max", "size"])
    ax.set_yticks(
        ((starts["min"] + starts["max"]) / 2).tolist(),
        [f"{g} ({n})" for g, n in zip(starts.index, starts["size"], strict=True)],
        fontsize=TICK_SIZE,
    )
    for boundary in starts["min"].iloc[1:]:
        ax.axhline(boundary - 0.5, color=TEXT_COLOUR, linewidth=1.0)
    if "subgroup" in rows.columns:
        change = rows["subgroup"].ne(rows["subgroup"].shift()) & rows["group"].eq(
            rows["group"].shift()
        )
        for boundary in rows.loc[change, "row"]:
            ax.axhline(boundary - 0.5, color="white", linewidth=0.8)
    ax.tick_params(axis="y", length=0)
    ax.tick_params(axis="x", labelsize=TICK_SIZE)
    ax.set_xlabel("year", fontsize=LABEL_SIZE)
    if title:
        ax.set_title(title, fontsize=TITLE_SIZE, loc="left", color=TEXT_COLOUR)
    handles, names = _legend_entries(present, False)
    ax.set_ylabel("councils, by nation (number)", fontsize=LABEL_SIZE)
    ax.legend(
        handles,
        names,
        loc="upper center",
        bbox_to_anchor=(0.45, -0.08),
        ncol=3,  # four columns of party names are wider than 16 cm
        fontsize=SMALL_SIZE,
        frameon=False,
    )
    draw_source_note(ax, source, data)
    return ax


# --------------------------------------------------------------------------- distribution


def changes_distribution_data(
    history: pd.DataFrame,
    *,
    years: tuple[int, int] | None = None,
    min_years: int = 10,
) -> pd.DataFrame:
    """Changes of control per council per decade, one row per council seen for at least
    ``min_years`` years (fewer make a rate of little meaning).

    Columns: ``council``, ``council_key``, ``nation``, ``council_type`` (when the history
    has them), ``council_years`` (years over which a change could be seen), ``changes``,
    ``changes_per_decade``, and the settings ``min_years``, ``first_year``, ``last_year``.
    The rules are those of :func:`coprod.politics.change_rates` (per council).
    """
    from coprod.politics.control import change_rates

    require_columns(history, ["council_key", "year", "control"], what="changes_distribution_data")
    carried = [c for c in ("council", "nation", "council_type") if c in history.columns]
    per = change_rates(history, by="council_key", years=years)
    if carried:
        info = history.sort_values("year").groupby("council_key")[carried].last()
        per = per.join(info, on="council_key")
    per = per[per["council_years"] >= min_years].copy()
    per["min_years"] = int(min_years)
    columns = [
        *[c for c in ("council",) if c in per],
        "council_key",
        *[c for c in ("nation", "council_type") if c in per],
        "council_years",
        "changes",
        "changes_per_decade",
        "min_years",
        "first_year",
        "last_year",
    ]
    return keep_source(per[columns].reset_index(drop=True), history)


def plot_changes_distribution(
    data: pd.DataFrame,
    *,
    ax: Axes | None = None,
    title: str | None = "How often councils change hands",
    bin_width: float = 0.25,
    source: Source | str | None = None,
) -> Axes:
    """A histogram of changes of control per council per decade, with the median council
    and the rate over all council-years marked (named in the legend). ``data`` is

    ``source``: the note printed under the chart; None (default) prints the source the data
    carries (``coprod.provenance``), text is printed as written, "" prints none.
    :func:`changes_distribution_data`'s frame."""
    require_columns(
        data,
        ["changes_per_decade", "changes", "council_years"],
        what="plot_changes_distribution",
    )
    ax = get_ax(ax, figsize=(FIGURE_WIDTH, 4.0))
    rates = data["changes_per_decade"].to_numpy(dtype=float)
    top = max(float(np.nanmax(rates)) if len(rates) else 1.0, bin_width)
    bins = np.arange(0, top + 2 * bin_width, bin_width)
    ax.hist(rates, bins=bins, color=PARTY_COLOURS["Con"], edgecolor="white", gid="changes-hist")
    median = float(np.median(rates)) if len(rates) else np.nan
    pooled = 10 * data["changes"].sum() / data["council_years"].sum() if len(data) else np.nan
    ax.axvline(
        median,
        color=TEXT_COLOUR,
        linestyle="--",
        linewidth=1.4,
        label=f"median council: {median:.2f} a decade",
        gid="changes-median",
    )
    ax.axvline(
        pooled,
        color=PARTY_COLOURS["Lab"],
        linestyle=":",
        linewidth=2.0,
        label=f"all council-years: {pooled:.2f} a decade",
        gid="changes-pooled",
    )
    ax.set_xlabel("changes of control per decade", fontsize=LABEL_SIZE)
    ax.set_ylabel("councils", fontsize=LABEL_SIZE)
    ax.tick_params(labelsize=TICK_SIZE)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if title:
        n = len(data)
        years = (
            f", {int(data['first_year'].min())}-{int(data['last_year'].max())}"
            if "first_year" in data and n
            else ""
        )
        ax.set_title(f"{title} ({n} councils{years})", fontsize=TITLE_SIZE, loc="left")
    ax.legend(fontsize=SMALL_SIZE, frameon=False, loc="upper right")
    draw_source_note(ax, source, data)
    return ax
