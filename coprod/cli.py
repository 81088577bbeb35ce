"""The ``coprod`` command: ``datasets``, ``check``, ``run``, ``lab`` and ``questionnaire``."""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

__all__ = ["build_parser", "main"]


_DATE_FLAGS = {"date_order": "--date-order", "date_formats": "--date-format"}


def _without_dates(kind: str, options: dict) -> dict:
    """Refuse the date flags for kinds whose files have no date columns."""
    given = [flag for name, flag in _DATE_FLAGS.items() if name in options]
    if given:
        raise SystemExit(f"--kind {kind} has no date columns: {' and '.join(given)} not used")
    return options


def _only(kind: str, options: dict, allowed: set[str], takes: str) -> None:
    """Refuse the flags a kind of file does not use, saying which it takes."""
    unsupported = set(options) - allowed
    if unsupported:
        flags = sorted("--" + name.replace("_", "-") for name in unsupported)
        raise SystemExit(f"--kind {kind} takes {takes}, not {', '.join(flags)}")


def _survey_checker(path: Path, **options):
    from coprod.io.survey import read_survey

    if "as_of" in options:
        raise SystemExit("--kind survey has no date columns: --as-of not used")
    return read_survey(path, **_without_dates("survey", options))


def _complaints_checker(path: Path, **options):
    from coprod.io.complaint_log import read_complaints
    from coprod.io.dates import COMMAND_LINE

    # reasons and errors name the date options as this command's flags
    return read_complaints(path, option_spelling=COMMAND_LINE, **options)


def _report_counts_checker(path: Path, **options):
    from coprod.io.counts import read_report_counts

    _without_dates("report_counts", options)
    _only(
        "report_counts",
        options,
        {"columns", "skip_rows", "sheet"},
        "--column, --skip-rows and --sheet",
    )
    return read_report_counts(path, **options)


def _control_checker(path: Path, **options):
    from coprod.io.control_history import read_control_history

    _without_dates("control", options)
    _only(
        "control",
        options,
        {"columns", "skip_rows", "sheet", "encoding"},
        "--column, --encoding, --skip-rows and --sheet",
    )
    return read_control_history(path, **options)


def _pfi_checker(path: Path, **options):
    from coprod.io.dates import COMMAND_LINE
    from coprod.io.pfi import read_pfi_projects

    _only(
        "pfi",
        options,
        {"columns", "encoding", "skip_rows", "date_order", "date_formats", "as_of"},
        "--column, --encoding, --skip-rows, --date-order, --date-format and --as-of "
        "(the list's date)",
    )
    return read_pfi_projects(path, option_spelling=COMMAND_LINE, **options)


def _practices_checker(path: Path, **options):
    from coprod.io.practices import read_practices

    _without_dates("practices", options)
    _only("practices", options, {"columns"}, "--column only")
    return read_practices(path, **options)


def _initiatives_checker(path: Path, **options):
    from coprod.io.initiatives import read_initiatives

    _only(
        "initiatives",
        options,
        {"columns", "encoding", "skip_rows", "sheet", "date_order", "date_formats"},
        "--column, --encoding, --skip-rows, --sheet, --date-order and --date-format",
    )
    return read_initiatives(path, **options)


# kind -> loader used by ``coprod check FILE --kind KIND``; new kinds are added here.
CHECKERS: dict[str, Callable] = {
    "survey": _survey_checker,
    "complaints": _complaints_checker,
    "report_counts": _report_counts_checker,
    "control": _control_checker,
    "pfi": _pfi_checker,
    "practices": _practices_checker,
    "initiatives": _initiatives_checker,
}


def _parse_mapping(pairs: Sequence[str]) -> dict[str, str]:
    mapping = {}
    for pair in pairs:
        field, sep, column = pair.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise SystemExit(
                f"--column takes FIELD=COLUMN (e.g. planning='Who plans?'), got {pair!r}"
            )
        mapping[field.strip()] = column.strip()
    return mapping


def _cmd_datasets(args) -> int:
    from coprod.datasets import list_datasets

    table = list_datasets()[["name", "kind", "rows", "licence", "source"]]
    print(table.to_string(index=False, max_colwidth=70))
    return 0


def _cmd_check(args) -> int:
    from coprod.io.result import InputError

    options = {}
    if args.column:
        options["columns"] = _parse_mapping(args.column)
    if args.encoding:
        options["encoding"] = args.encoding
    if args.header_rows != 1:
        options["header_rows"] = args.header_rows
    if args.sheet:
        options["sheet"] = args.sheet
    if args.date_order:
        options["date_order"] = args.date_order
    if args.date_format:
        options["date_formats"] = list(args.date_format)
    if args.skip_rows:
        options["skip_rows"] = args.skip_rows
    if args.keep:
        options["keep"] = list(args.keep)
    if args.as_of:
        options["as_of"] = args.as_of
    if args.engine or args.store:
        if args.kind != "complaints":
            raise SystemExit(f"--kind {args.kind} is read in memory: --engine and --store not used")
        if args.engine:
            options["engine"] = args.engine
        if args.store:
            options["store"] = args.store
    if args.kind == "complaints":
        # long loads (out of core) say how they go: on stderr, so stdout stays the summary
        options["progress"] = lambda line: print(line, file=sys.stderr, flush=True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the summary below says it all
            result = CHECKERS[args.kind](Path(args.file), **options)
    except (InputError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(result.summary())
    if result.n_quarantined:
        print("\nFirst quarantined problems:")
        print(result.quarantine.head(args.show).to_string(index=False, max_colwidth=60))
        return 1
    return 0


def _cmd_run(args) -> int:
    from coprod.run import run_notebooks

    start = time.perf_counter()
    output = Path(args.output)
    print(f"Executing notebooks in {args.notebooks}/ -> {output}/", flush=True)
    runs = run_notebooks(
        args.notebooks,
        output,
        pattern=args.only,
        cell_timeout=args.cell_timeout,
        on_done=lambda run: print(run.line(), flush=True),
    )
    failed = [r for r in runs if not r.ok]
    figures = sum(len(r.figures) for r in runs)
    total = time.perf_counter() - start
    print(
        f"\n{len(runs)} notebooks, {len(runs) - len(failed)} ok, {len(failed)} failed; "
        f"{figures} figure files in {output / 'figures'}; HTML in {output / 'notebooks'}; "
        f"every chart and notebook in {output / 'index.html'}; total {total:.1f}s"
    )
    for run in failed:
        print(f"\n{run.notebook}: {run.error}", file=sys.stderr)
    if not runs:
        print(f"no notebooks found in {args.notebooks}", file=sys.stderr)
        return 1
    return 1 if failed else 0


def _cmd_lab(args) -> int:
    import subprocess

    from coprod._core.project import project_root
    from coprod.lab import lab_command, lab_environment, prepare_lab

    project = Path(args.project) if args.project else project_root() or Path.cwd()
    if not project.is_dir():
        print(f"error: no folder {project}", file=sys.stderr)
        return 2
    prepare_lab(project, settings_dir=args.settings_dir)
    lab_env = lab_environment(project, settings_dir=args.settings_dir)
    env = {**os.environ, **lab_env}
    command = lab_command(
        project, port=args.port, token=args.token, open_browser=not args.no_browser
    )
    settings = Path(lab_env["JUPYTER_CONFIG_DIR"]).parent
    print(
        f"Starting JupyterLab on {project.resolve()} (settings in {settings}; charts to "
        f"{lab_env['COPROD_OUTPUT_DIR']}). Stop it with Ctrl-C.",
        flush=True,
    )
    with subprocess.Popen([*command, *args.jupyter_args], env=env) as process:
        while True:
            try:
                return process.wait()
            except KeyboardInterrupt:
                continue  # JupyterLab got the Ctrl-C too and shuts down: wait for it


def _cmd_questionnaire(args) -> int:
    from coprod.export import save_questionnaire
    from coprod.survey import questionnaire

    try:
        form = questionnaire(
            args.services,
            respondents=args.respondents,
            council=args.council,
            wave=int(args.wave) if args.wave and args.wave.isdigit() else args.wave,
        )
    except (TypeError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    saved = save_questionnaire(form, Path(args.out).resolve())
    print(form.summary())
    for path in saved.paths:
        print(f"wrote {path}")
    return 0


CELL_TIMEOUT = 300.0  # as coprod.run.CELL_TIMEOUT (not imported: keeps --help fast)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="coprod", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("datasets", help="list the shipped data sets with rows, source and licence")
    p.set_defaults(func=_cmd_datasets)

    p = sub.add_parser("check", help="vet a file: rows read, loaded and quarantined, and why")
    p.add_argument(
        "file",
        help="a file (or, for --kind report_counts, a folder of monthly files; for --kind "
        "control, a folder of control files)",
    )
    p.add_argument("--kind", required=True, choices=sorted(CHECKERS))
    p.add_argument(
        "--column",
        action="append",
        metavar="FIELD=COLUMN",
        help="map a schema field to your column name (repeatable)",
    )
    p.add_argument("--encoding", help="force an encoding instead of detecting it")
    p.add_argument("--header-rows", type=int, default=1, help="number of (merged) header rows")
    p.add_argument("--sheet", help="Excel sheet name")
    p.add_argument(
        "--date-order",
        choices=("dmy", "mdy", "ymd"),
        help="day/month order of the dates (default: decided per column from the values "
        "that settle it, day first when none does)",
    )
    p.add_argument(
        "--date-format",
        action="append",
        metavar="FORMAT",
        help="a strptime format of the dates, e.g. '%%Y-%%b-%%d %%H:%%M:%%S' (repeatable; "
        "when given, only these are used)",
    )
    p.add_argument("--skip-rows", type=int, default=0, help="title rows above the header to skip")
    p.add_argument(
        "--keep",
        action="append",
        metavar="COLUMN",
        help="keep another column of the file as it is (repeatable)",
    )
    p.add_argument(
        "--as-of",
        metavar="DATE",
        help="complaints: the extract date (dates after it are quarantined; default today); "
        "pfi: the list's date, for matching councils (default: the title row's)",
    )
    p.add_argument(
        "--engine",
        choices=("auto", "pandas", "duckdb", "spark"),
        help="complaints: where the checks run (default auto: out of core, in DuckDB, for "
        "a CSV or Parquet file of 256 MiB or more; progress on stderr)",
    )
    p.add_argument(
        "--store",
        metavar="FOLDER",
        help="complaints, out of core: keep the clean rows and quarantine as Parquet here",
    )
    p.add_argument("--show", type=int, default=10, help="how many problems to list")
    p.set_defaults(func=_cmd_check)

    p = sub.add_parser("run", help="the main job: execute every notebook, write output/")
    p.add_argument("--notebooks", default="notebooks")
    p.add_argument("--output", default="output")
    p.add_argument("--only", help="run only notebooks whose file name contains this text")
    p.add_argument(
        "--cell-timeout",
        type=float,
        default=CELL_TIMEOUT,
        metavar="SECONDS",
        help=f"stop a cell still running after this long (default {CELL_TIMEOUT:g})",
    )
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser(
        "lab",
        help="start JupyterLab on the project: .py notebooks open as notebooks, outputs kept",
        description="Start JupyterLab on the project, settings inside .venv; other "
        "arguments (e.g. --ServerApp.shutdown_no_activity_timeout=600) go to JupyterLab.",
    )
    p.add_argument(
        "--project", help="the project folder (default: the coprod project holding this folder)"
    )
    p.add_argument("--port", type=int, help="the port (default: 8888 or the next free one)")
    p.add_argument("--token", help="the token to log in with (default: a random one)")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser")
    p.add_argument(
        "--settings-dir",
        help="where JupyterLab keeps settings and workspaces (default: .venv/share/coprod-lab)",
    )
    p.set_defaults(func=_cmd_lab, passes_through=True)

    p = sub.add_parser(
        "questionnaire",
        help="write a questionnaire (Excel form with drop-down answers, and its codebook) "
        "whose returned file loads with read_survey and no mapping",
    )
    p.add_argument("--services", nargs="+", required=True, metavar="SERVICE")
    p.add_argument("--out", default="questionnaire", help="the folder to write to")
    p.add_argument("--respondents", type=int, default=1, help="rows per service (one each)")
    p.add_argument("--council", help="fill in a council column")
    p.add_argument("--wave", help="fill in a wave column")
    p.set_defaults(func=_cmd_questionnaire)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and not getattr(args, "passes_through", False):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.jupyter_args = extra
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
