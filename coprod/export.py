"""The one place that writes charts and tables to disk.

Plotting functions elsewhere in coprod return Axes and never save. This module saves
them, and writes tables in a way that is safe to share:

* small counts can be suppressed (``suppress_below``), with the rows' derived columns too;
* columns that may hold personal data (names, addresses, free text) are refused unless the
  caller names them in ``allow_personal``;
* text cells that a spreadsheet would run as a formula (starting ``=``, ``+``, ``-``, ``@``,
  tab or carriage return) are prefixed with an apostrophe (OWASP "CSV injection" advice).

A questionnaire (:func:`coprod.survey.questionnaire`) is written as an Excel form with
drop-down lists and its codebook as CSV (:func:`save_questionnaire`).

Charts go to ``<output>/figures/`` with their data and a JSON sidecar (:func:`save_figure`),
and :func:`write_index` lists every chart and notebook in ``<output>/index.html``.

Where files go: ``directory=`` when given, else ``$COPROD_OUTPUT_DIR`` (set by ``coprod run``
and ``coprod lab``), else the project's ``output/`` wherever the code runs (a kernel runs in
its notebook's folder), else ``./output`` outside the project (:func:`output_dir`).
"""

from __future__ import annotations

import html
import json
import os
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

import matplotlib
import pandas as pd

from coprod._core.project import project_root
from coprod._core.text import plural
from coprod.privacy import SUPPRESSED, PersonalDataError, personal_columns, prepare_table

if TYPE_CHECKING:
    from coprod.provenance import Source
    from coprod.survey import Questionnaire

_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")

__all__ = [
    "SUPPRESSED",
    "MissingAltTextWarning",
    "PersonalDataError",
    "SavedFigure",
    "SavedQuestionnaire",
    "export_table",
    "output_dir",
    "personal_columns",
    "prepare_table",
    "run_date",
    "save_figure",
    "save_questionnaire",
    "write_index",
]


def output_dir(directory: str | os.PathLike | None = None) -> Path:
    """Where output goes: ``directory`` when given, else ``$COPROD_OUTPUT_DIR``, else the
    project's ``output/`` (the project being the folder at or above the working directory
    whose ``pyproject.toml`` names coprod), else ``./output`` outside a project.

    So a notebook saves to the project's ``output/`` whether its kernel runs in
    ``notebooks/``, ``notebooks/answers/`` or the project's own folder.
    """
    if directory is not None:
        return Path(directory)
    if os.environ.get("COPROD_OUTPUT_DIR"):
        return Path(os.environ["COPROD_OUTPUT_DIR"])
    root = project_root()
    return root / "output" if root is not None else Path("output")


class MissingAltTextWarning(UserWarning):
    """A chart was saved for a report without alt text (screen readers get nothing)."""


@dataclass(frozen=True)
class SavedFigure:
    """What :func:`save_figure` wrote: the chart's ``name``, its ``files`` by format
    (``{"png": Path, ...}``), the ``data`` CSV (None without ``data=``) and the ``sidecar``
    JSON describing them."""

    name: str
    files: Mapping[str, Path]
    data: Path | None
    sidecar: Path

    @property
    def paths(self) -> list[Path]:
        """Every file written: the chart's formats, the data and the sidecar."""
        return [*self.files.values(), *([self.data] if self.data else []), self.sidecar]


def save_figure(
    figure,
    name: str,
    *,
    directory: str | os.PathLike | None = None,
    formats: Sequence[str] = ("png", "svg", "pdf"),
    data: pd.DataFrame | None = None,
    alt_text: str | None = None,
    source: Source | str | None = None,
    title: str | None = None,
    dpi: int = 300,
    suppress_below: int | None = None,
    count_columns: Iterable[str] = (),
    also_suppress: Iterable[str] = (),
    by: Iterable[str] = (),
    shares: Iterable[str] = (),
    share_decimals: int | None = 3,
    total_columns: Iterable[str] = (),
    allow_personal: Iterable[str] = (),
) -> SavedFigure:
    """Save a chart for a report: ``<dir>/figures/<name>.<fmt>`` plus its data and a sidecar.

    Writes each of ``formats`` (``dpi`` PNG, vector SVG and PDF), ``<name>.csv`` holding
    ``data`` (the ``*_data()`` table the chart drew, written under the same privacy rules as
    :func:`export_table`: see :func:`coprod.privacy.prepare_table`, which gets the
    suppression arguments) and ``<name>.json``: ``name``, ``title`` (given, or the chart's
    title or suptitle), ``alt_text``, ``source``, ``licence`` and ``url``, ``date`` (today,
    or the day of ``$SOURCE_DATE_EPOCH`` when set, so a rebuild gives the same files),
    ``coprod_version``, ``files`` (by format, names relative to the sidecar) and
    ``smallest_text_pt`` (the smallest text when the figure is placed 16 cm wide,
    :func:`coprod.style.text_sizes`).

    ``source`` defaults to the note the chart carries (:mod:`coprod.provenance`); one given
    here replaces that note on the chart, so the chart and its sidecar say the same. Without
    ``alt_text`` a :class:`MissingAltTextWarning` names the chart. Metadata dates are left
    out of SVG and PDF so the same chart saved twice gives the same bytes. Returns a
    :class:`SavedFigure`.
    """
    from coprod import __version__
    from coprod.charts._style import draw_source_note
    from coprod.provenance import chart_source, figure_source
    from coprod.style import REPORT_WIDTH_CM, text_sizes

    if not _SLUG.match(name):
        raise ValueError(
            f"figure name {name!r} is not a plain file stem; use letters, digits, '_', '-' or '.', "
            "e.g. '01_grid_placements'"
        )
    fig = figure.get_figure(root=True) if hasattr(figure, "get_figure") else figure
    if not hasattr(fig, "savefig"):
        raise TypeError(
            f"save_figure needs a Matplotlib Figure or Axes, got {type(figure).__name__}"
        )
    unknown = [f for f in formats if f not in _FORMATS]
    if unknown or not formats:
        raise ValueError(f"formats must be some of {list(_FORMATS)}, not {list(formats)!r}")
    if source is not None:  # the note given here replaces the chart's own
        draw_source_note(fig, source, replace=True)
    attribution = figure_source(fig) if source is None else chart_source(source)
    if not alt_text or not alt_text.strip():
        warnings.warn(
            f"chart {name!r} is saved without alt text: pass alt_text='...' saying what it "
            "shows (its finding, not its look), for screen readers and the index page",
            MissingAltTextWarning,
            stacklevel=2,
        )
    # the table is checked before anything is written: a refused column leaves no files
    safe = None
    if data is not None:
        safe = prepare_table(
            _flat(data),
            suppress_below=suppress_below,
            count_columns=count_columns,
            also_suppress=also_suppress,
            by=by,
            shares=shares,
            share_decimals=share_decimals,
            total_columns=total_columns,
            allow_personal=allow_personal,
        )
    folder = output_dir(directory) / "figures"
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    # A fixed salt makes SVG element ids, and so the file, the same on every run.
    with matplotlib.rc_context({"svg.hashsalt": "coprod"}):
        for fmt in formats:
            path = folder / f"{name}.{fmt}"
            fig.savefig(path, dpi=dpi, bbox_inches="tight", metadata=_FORMATS[fmt])
            files[fmt] = path
    data_path = None
    if safe is not None:
        data_path = folder / f"{name}.csv"
        safe.to_csv(data_path, index=False, encoding="utf-8-sig")
    sizes = text_sizes(fig, width_cm=REPORT_WIDTH_CM)
    written = {**files, **({"csv": data_path} if data_path else {})}
    sidecar = {
        "name": name,
        "title": title if title is not None else _chart_title(fig),
        "alt_text": alt_text,
        "source": attribution.note if attribution else None,
        "licence": attribution.licence if attribution else None,
        "url": attribution.url if attribution else None,
        "synthetic": attribution.synthetic if attribution else None,
        "date": run_date().isoformat(),
        "coprod_version": __version__,
        "files": {fmt: path.name for fmt, path in written.items()},
        "smallest_text_pt": round(float(sizes["printed_pt"].min()), 2) if len(sizes) else None,
        "width_cm": REPORT_WIDTH_CM,
    }
    sidecar_path = folder / f"{name}.json"
    sidecar_path.write_text(
        json.dumps(sidecar, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return SavedFigure(name=name, files=files, data=data_path, sidecar=sidecar_path)


#: savefig metadata per format: no dates in the vector files, so they are reproducible.
_FORMATS: Mapping[str, dict | None] = MappingProxyType(
    {"png": None, "svg": {"Date": None}, "pdf": {"CreationDate": None, "ModDate": None}}
)


def run_date() -> date:
    """The date a build records: the UTC day of ``$SOURCE_DATE_EPOCH`` when it is set
    (reproducible builds), else today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=UTC).date()
        except ValueError:
            raise ValueError(
                f"SOURCE_DATE_EPOCH must be whole seconds since 1970-01-01, not {epoch!r}"
            ) from None
    return datetime.now(tz=UTC).date()


def _chart_title(fig) -> str | None:
    """The figure's suptitle, else its first Axes title (centre, left or right)."""
    suptitle = fig.get_suptitle()
    if suptitle.strip():
        return suptitle
    for ax in fig.axes:
        for loc in ("center", "left", "right"):
            text = ax.get_title(loc=loc)
            if text.strip():
                return text
    return None


def _flat(table: pd.DataFrame) -> pd.DataFrame:
    """A chart's data as CSV rows: a meaningful index becomes columns, and levels of
    column labels are joined ("professionals / co-delivery")."""
    out = table
    if not isinstance(out.index, pd.RangeIndex) or out.index.name is not None:
        out = out.reset_index()
    if isinstance(out.columns, pd.MultiIndex):
        out = out.copy()
        out.columns = [
            " / ".join(str(level) for level in label if str(level)) for label in out.columns
        ]
    return out


def export_table(
    table: pd.DataFrame,
    path: str | os.PathLike,
    *,
    suppress_below: int | None = None,
    count_columns: Iterable[str] = (),
    also_suppress: Iterable[str] = (),
    by: Iterable[str] = (),
    shares: Iterable[str] = (),
    share_decimals: int | None = 3,
    total_columns: Iterable[str] = (),
    allow_personal: Iterable[str] = (),
    index: bool = False,
) -> Path:
    """Write ``table`` to ``.csv`` (UTF-8 with BOM, so Excel reads accents) or ``.xlsx``.

    What is written is :func:`coprod.privacy.prepare_table`'s result: small counts withheld
    with their derived columns, the shares of their groups and secondary cells (``by=``),
    shares rounded, personal-data columns refused, formula-like cells defused. A relative
    ``path`` is placed under ``<output>/tables/``.
    """
    path = Path(path)
    if not path.is_absolute():
        path = output_dir() / "tables" / path
    if index:  # index labels are cells too: checked and defused like any column
        table = table.reset_index()
    safe = prepare_table(
        table,
        suppress_below=suppress_below,
        count_columns=count_columns,
        also_suppress=also_suppress,
        by=by,
        shares=shares,
        share_decimals=share_decimals,
        total_columns=total_columns,
        allow_personal=allow_personal,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        safe.to_csv(path, index=False, encoding="utf-8-sig")
    elif suffix == ".xlsx":
        safe.to_excel(path, index=False)
    else:
        raise ValueError(f"cannot export to {path.name!r}: use a .csv or .xlsx file name")
    return path


def write_index(directory: str | os.PathLike | None = None, *, failed: Iterable[str] = ()) -> Path:
    """Write ``<output>/index.html``: every chart and every executed notebook, on one page.

    Each chart saved by :func:`save_figure` (a ``figures/<name>.json`` sidecar) appears with
    its title, its PNG (the alt text as the image's ``alt``), the alt text, its source and
    licence, and links to each of its files (PNG, SVG, PDF, CSV, JSON) that exists; then a
    link to each executed notebook (``notebooks/**/*.html``). ``failed`` names notebooks
    that did not run to the end: the page says so at the top. Links are relative and the
    page has no external assets, so the folder opens from disk (or moves) as it is. Text
    from the sidecars is HTML-escaped. Returns the page's path.
    """
    root = output_dir(directory)
    root.mkdir(parents=True, exist_ok=True)
    charts = []
    for path in sorted((root / "figures").glob("*.json")):
        try:
            meta = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue  # not a sidecar: leave it out rather than fail the page
        if isinstance(meta, dict) and "name" in meta and "files" in meta:
            charts.append((path, meta))
    notebooks = (
        sorted((root / "notebooks").rglob("*.html")) if (root / "notebooks").is_dir() else []
    )
    failed = list(failed)
    esc = html.escape

    def link(target: Path, text: str) -> str:
        return f'<a href="{esc(target.relative_to(root).as_posix())}">{esc(text)}</a>'

    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>coprod output</title>",
        f"<style>{_INDEX_CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        "<h1>coprod output</h1>",
    ]
    if failed:
        items = "".join(f"<li>{esc(str(n))}</li>" for n in failed)
        parts.append(
            f'<div class="failed" role="alert"><p>{esc(plural(len(failed), "notebook"))} did '
            "not run to the end; their charts may be missing or out of date:</p>"
            f"<ul>{items}</ul></div>"
        )
    parts.append("<h2>Notebooks</h2>")
    if notebooks:
        parts.append(
            "<ul>"
            + "".join(
                f"<li>{link(nb, nb.relative_to(root / 'notebooks').as_posix())}</li>"
                for nb in notebooks
            )
            + "</ul>"
        )
    else:
        parts.append("<p>No executed notebooks in this folder.</p>")
    parts.append(f"<h2>Charts ({len(charts)})</h2>")
    for sidecar, meta in charts:
        folder = sidecar.parent
        name = str(meta["name"])
        title = meta.get("title") or name
        alt = meta.get("alt_text") or ""
        files = {
            fmt: folder / file
            for fmt, file in dict(meta.get("files") or {}).items()
            if (folder / str(file)).is_file()
        }
        links = [link(path, fmt.upper()) for fmt, path in files.items()]
        links.append(link(sidecar, "JSON"))
        picture = files.get("png") or files.get("svg")
        parts.append(f'<section class="chart" id="{esc(name)}">')
        parts.append(f"<h3>{esc(str(title))}</h3>")
        if picture is not None:
            parts.append(
                f'<img src="{esc(picture.relative_to(root).as_posix())}" alt="{esc(alt)}" '
                'loading="lazy">'
            )
        parts.append(
            f"<p><strong>Alt text:</strong> {esc(alt)}</p>"
            if alt
            else '<p class="missing">No alt text was given for this chart.</p>'
        )
        source = meta.get("source")
        licence = meta.get("licence")
        if source:
            said = f"<strong>Source:</strong> {esc(str(source))}"
            if licence:
                said += f' <span class="licence">(licence: {esc(str(licence))})</span>'
            parts.append(f"<p>{said}</p>")
        facts = [f"<code>{esc(name)}</code>"]
        if meta.get("date"):
            facts.append(f"saved {esc(str(meta['date']))}")
        if meta.get("smallest_text_pt") is not None:
            facts.append(f"smallest text {float(meta['smallest_text_pt']):.1f} pt at 16 cm")
        parts.append(f'<p class="files">{" · ".join(facts)} · {" ".join(links)}</p>')
        parts.append("</section>")
    parts += ["</main>", "</body>", "</html>", ""]
    page = root / "index.html"
    page.write_text("\n".join(parts), encoding="utf-8")
    return page


_INDEX_CSS = (
    "body{font-family:system-ui,sans-serif;margin:0;color:#222;background:#fff}"
    "main{max-width:60rem;margin:0 auto;padding:1rem 1.5rem 3rem}"
    "h1{font-size:1.8rem}h3{font-size:1.15rem;margin-bottom:.5rem}"
    ".chart{border-top:1px solid #ccc;padding:1rem 0}"
    ".chart img{max-width:100%;height:auto;border:1px solid #eee}"
    ".files a{margin-right:.6rem}.licence{color:#555}"
    ".missing{color:#8a4b00}"
    ".failed{border:2px solid #b3261e;padding:.5rem 1rem;background:#fdecea}"
    "code{font-size:.9em}"
)


# ------------------------------------------------------------------ the questionnaire


@dataclass(frozen=True)
class SavedQuestionnaire:
    """What :func:`save_questionnaire` wrote: the ``workbook`` (the form, the codebook and
    the answer lists) and the ``codebook`` as CSV."""

    workbook: Path
    codebook: Path

    @property
    def paths(self) -> list[Path]:
        return [self.workbook, self.codebook]


#: Sheet names of the questionnaire's workbook; the form comes first, so ``read_survey``
#: reads it without ``sheet=``.
QUESTIONNAIRE_SHEETS = ("form", "codebook", "answers")


def save_questionnaire(
    questionnaire: Questionnaire,
    folder: str | os.PathLike = "questionnaire",
    *,
    name: str = "questionnaire",
) -> SavedQuestionnaire:
    """Write ``questionnaire`` as ``<folder>/<name>.xlsx`` and ``<folder>/<name>_codebook.csv``.

    The workbook's first sheet, ``form``, is the form: a header of the survey's field
    names (what ``read_survey`` looks for; each column's question is in the header's
    comment and shows when one of its cells is selected), the filled-in columns, and a
    drop-down list of the answer wordings in every answer cell (Excel's data validation
    refuses other text typed in; ``read_survey`` quarantines any that gets there another
    way, and blanks). ``codebook`` lists every answer with the level it is read as;
    ``answers`` holds the lists the drop-downs use. A relative ``folder`` is placed under
    the output folder (:func:`output_dir`). Returns the paths written.
    """
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from coprod.survey import ANSWER_COLUMNS
    from coprod.vocab import QUESTIONNAIRE_QUESTIONS

    if not _SLUG.match(name):
        raise ValueError(f"name {name!r} must be letters, digits, '_', '-' or '.'")
    folder = Path(folder)
    if not folder.is_absolute():
        folder = output_dir() / folder
    folder.mkdir(parents=True, exist_ok=True)
    form, book = questionnaire.form, questionnaire.codebook
    answers = questionnaire.answers

    wb = Workbook()
    sheet = wb.active
    sheet.title = QUESTIONNAIRE_SHEETS[0]
    questions = dict(zip(book["column"], book["question"], strict=False))
    for j, column in enumerate(form.columns, start=1):
        cell = sheet.cell(row=1, column=j, value=column)
        cell.font = Font(bold=True)
        cell.comment = Comment(questions.get(column, column), "coprod")
        width = 16 if column not in ANSWER_COLUMNS else 48
        sheet.column_dimensions[get_column_letter(j)].width = width
    for i, row in enumerate(form.itertuples(index=False), start=2):
        for j, value in enumerate(row, start=1):
            if value is not None and value == value:  # blank answer cells stay empty
                sheet.cell(row=i, column=j, value=value)
    sheet.freeze_panes = "A2"

    lists = wb.create_sheet(QUESTIONNAIRE_SHEETS[2])
    last_row = max(len(form) + 1, 2)
    for j, column in enumerate(ANSWER_COLUMNS, start=1):
        lists.cell(row=1, column=j, value=column).font = Font(bold=True)
        for i, wording in enumerate(answers[column], start=2):
            lists.cell(row=i, column=j, value=wording)
        letter = get_column_letter(j)
        rule = DataValidation(
            type="list",
            formula1=f"={QUESTIONNAIRE_SHEETS[2]}!${letter}$2:${letter}${len(answers[column]) + 1}",
            allow_blank=True,
            showDropDown=False,  # openpyxl's name for "hide the arrow": False shows it
            showInputMessage=True,
            promptTitle=column,
            prompt=QUESTIONNAIRE_QUESTIONS[column][:255],
            showErrorMessage=True,
            errorTitle="Not one of the answers",
            error='Choose one of the answers in the list (or "I don\'t know").',
        )
        target = get_column_letter(list(form.columns).index(column) + 1)
        rule.add(f"{target}2:{target}{last_row}")
        sheet.add_data_validation(rule)
    lists.sheet_state = "hidden"  # the drop-downs' source, not for editing

    codes = wb.create_sheet(QUESTIONNAIRE_SHEETS[1], index=1)
    codes.append(list(book.columns))
    for cell in codes[1]:
        cell.font = Font(bold=True)
    for record in book.itertuples(index=False):
        codes.append([None if v != v else v for v in record])
    for j, width in enumerate((16, 60, 70, 36), start=1):
        codes.column_dimensions[get_column_letter(j)].width = width
    for row in codes.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    workbook = folder / f"{name}.xlsx"
    wb.save(workbook)
    # the answers are the questionnaire's own wordings, not a person's free text
    codebook = export_table(book, folder / f"{name}_codebook.csv", allow_personal=["answer"])
    return SavedQuestionnaire(workbook=workbook, codebook=codebook)
