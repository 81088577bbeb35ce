"""From a log of events to the input of a g or t chart: :func:`between_events`.

A g chart counts the cases between rare events (complaints closed between upheld
ombudsman findings), a t chart the time between them (days between upheld findings):
both need one row per event, not one per month, since a rare event's monthly count is
mostly zeros. ``spc(between_events(...), value="days", period="date", chart="t")``
charts them (``period="event"`` when two events can fall on the same day).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from coprod._core.columns import by_list, require_columns
from coprod.provenance import keep_source

__all__ = ["between_events"]


def between_events(
    data: pd.DataFrame,
    *,
    date: str,
    event: str | None = None,
    by: str | Sequence[str] | None = None,
    date_order: str | None = None,
) -> pd.DataFrame:
    """The gaps between consecutive events: days (t chart) and cases (g chart).

    ``data`` is a log: with ``event=None`` each row is an event; with ``event`` (a boolean
    column) each row is a case, such as a closed complaint, and the events are the rows
    where it is True (e.g. ``upheld ombudsman finding``). Rows are put in ``date`` order
    (rows on the same date keep their order in ``data``); dates are read by
    :func:`coprod.io.parse_dates` (``'01/02/2024'`` is 1 February unless the values or
    ``date_order=`` say month first). Each group of ``by`` is counted on its own.

    The first event of a group starts the count and has no gap: each later event is one
    row, ``[*by], event, date, previous, days, cases``: ``event`` numbers the events 1, 2,
    ... within the group (the first kept row is event 2), ``date`` is the event's date,
    ``previous`` the date of the event before, ``days`` the days between them (0 for two
    events on one day), and ``cases`` the cases strictly between the two events (0 when
    every row is an event). Raises ValueError when a date is missing or unreadable or
    ``event`` is not True/False.
    """
    from coprod.io.dates import parse_dates

    if not isinstance(data, pd.DataFrame):
        raise TypeError("data must be a pandas DataFrame")
    by_cols = by_list(by)
    needed = [date, *by_cols] + ([event] if event is not None else [])
    require_columns(data, needed, what="data")
    missing = data[date].isna()
    if missing.any():
        raise ValueError(
            f"{int(missing.sum())} rows have no {date!r} date, so they cannot be placed between "
            f"events; leave them out first if they are not cases yet (complaints still open: "
            f"data.dropna(subset=[{date!r}]))"
        )
    parsed = parse_dates(data[date], date_order=date_order, column=date)
    if len(parsed.bad) or parsed.values.isna().any():
        reason = parsed.reasons[0] if len(parsed.bad) else "blank text is not a date"
        raise ValueError(f"column {date!r} could not be read as dates: {reason}")
    frame = data[by_cols].copy()
    frame["_date"] = parsed.values.to_numpy()
    if event is None:
        frame["_event"] = True
    else:
        flags = data[event]
        if not pd.api.types.is_bool_dtype(flags):
            raise ValueError(
                f"column {event!r} must be True for an event and False for other cases, "
                f"not dtype {flags.dtype}: e.g. log['stage'].eq('ombudsman')"
            )
        frame["_event"] = flags.to_numpy(dtype=bool)
    frame["_order"] = np.arange(len(frame))
    frame = frame.sort_values([*by_cols, "_date", "_order"], kind="stable")
    pieces = []
    groups = frame.groupby(by_cols, sort=False) if by_cols else [((), frame)]
    for key, group in groups:
        is_event = group["_event"].to_numpy()
        dates = group["_date"].to_numpy()
        where = np.flatnonzero(is_event)
        if len(where) < 2:
            continue
        cases_before = np.cumsum(~is_event)[where]  # non-event cases up to each event
        piece = pd.DataFrame(
            {
                "event": np.arange(2, len(where) + 1),
                "date": dates[where[1:]],
                "previous": dates[where[:-1]],
            }
        )
        piece["days"] = (piece["date"] - piece["previous"]) / pd.Timedelta(days=1)
        piece["cases"] = np.diff(cases_before).astype(np.int64)
        for pos, (col, val) in enumerate(
            zip(by_cols, key if isinstance(key, tuple) else (key,), strict=True)
        ):
            piece.insert(pos, col, val)
        pieces.append(piece)
    columns = [*by_cols, "event", "date", "previous", "days", "cases"]
    out = pd.concat(pieces, ignore_index=True) if pieces else pd.DataFrame(columns=columns)
    return keep_source(out[columns], data)
