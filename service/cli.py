"""The command line: batch drift checks against a template, and one comparison in the terminal.

    python -m service.cli drift --template T DOCS_OR_FOLDERS… --out report.json [--html …] [--csv …]
    python -m service.cli compare A B [--json]

``drift`` writes each document's result to ``<out>.jsonl`` the moment it is finished (so an
interrupted run loses nothing finished), then the whole report to ``--out`` in the format
``POST /v1/drift`` answers with. Exit status: 0 once the report is written (documents that
could not be read are in it, with their reason), 2 when the command cannot run at all
(bad arguments, an unreadable template), 130 when interrupted.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from nlp.compare import Options, compare
from nlp.documents import read_document
from nlp.drift import DocumentDrift, aggregate
from nlp.engine import DEFAULT_MODEL, load_engine
from nlp.errors import ContractDiffError
from nlp.exports.labels import PART_LABELS, SUMMARY_LABELS, change_note, clause_badges
from nlp.result import Clause, Comparison, Op, Segment, Status

from .batch import IN_PROCESS, ClusterUnavailable, collect_sources, read_template, run_batch
from .drift import DocumentDriftSchema, DriftReport, DriftResponse
from .messages_ja import document_error
from .report import render_csv, render_html
from .schemas import CompareResponse

__all__ = ["main", "render_redline"]

USAGE_ERROR = 2
INTERRUPTED = 130

# ANSI styles of the terminal redline: deletions red and struck through, insertions green
# and underlined (so they still differ for a reader who cannot tell red from green).
DELETE_STYLE = "\x1b[9;31m"
INSERT_STYLE = "\x1b[4;32m"
HEADING_STYLE = "\x1b[1m"
QUIET_STYLE = "\x1b[2m"
RESET = "\x1b[0m"
# Without colour, the marks of wdiff.
PLAIN_MARKS = {Op.DELETE: ("[-", "-]"), Op.INSERT: ("{+", "+}")}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return INTERRUPTED


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m service.cli",
                                     description="Compare Japanese contracts from the command line.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    drift = commands.add_parser(
        "drift", help="check many contracts against a template",
        description="Check contracts against the template they were made from: per document its drift, "
        "missing, extra and modified articles; per template article the batch's counts and term values.")
    drift.add_argument("--template", required=True, type=Path, metavar="T",
                       help="the template (.txt, .docx, .pdf or .html)")
    drift.add_argument("documents", nargs="+", metavar="DOCS_OR_FOLDERS",
                       help="contract files, and folders whose .txt, .docx, .pdf and .html files to check")
    drift.add_argument("--out", required=True, type=Path, metavar="REPORT.json",
                       help="the report (JSON); results stream to the same name with .jsonl while running")
    drift.add_argument("--html", type=Path, metavar="REPORT.html", help="also write the report as a web page")
    drift.add_argument("--csv", type=Path, metavar="REPORT.csv", help="also write one row per document")
    drift.add_argument("--scheduler", metavar="tcp://HOST:8786",
                       help="run on this Dask scheduler instead of a local cluster")
    drift.add_argument("--workers", type=int, metavar="N",
                       help=f"local worker processes (default: one per core); "
                       f"{IN_PROCESS} runs in this process")
    drift.add_argument("--keep-formatting", action="store_true",
                       help="count formatting (全角/半角, 五/5, line wraps) as edits")
    drift.add_argument("--model", default=DEFAULT_MODEL, help=argparse.SUPPRESS)
    drift.add_argument("--no-progress", action="store_true", help="no progress bar")
    drift.set_defaults(run=run_drift)

    comparison = commands.add_parser(
        "compare", help="compare two contracts", description="Compare two contracts article by article "
        "and print a redline (red struck-through: deleted; green underlined: inserted).")
    comparison.add_argument("original", type=Path, metavar="A")
    comparison.add_argument("revised", type=Path, metavar="B")
    comparison.add_argument("--json", action="store_true", help="print the full comparison as JSON")
    comparison.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                            help="colour the redline (auto: when printing to a terminal)")
    comparison.add_argument("--no-color", dest="color", action="store_const", const="never",
                            help="same as --color never")
    comparison.add_argument("--keep-formatting", action="store_true",
                            help="count formatting (全角/半角, 五/5, line wraps) as edits")
    comparison.add_argument("--model", default=DEFAULT_MODEL, help=argparse.SUPPRESS)
    comparison.set_defaults(run=run_compare)
    return parser


# drift --------------------------------------------------------------------------------------


def run_drift(args: argparse.Namespace) -> int:
    if args.out.suffix == ".jsonl":
        return _usage("--out is the final report (.json); its results stream to the same name with .jsonl.")
    if args.scheduler is not None and args.workers is not None:
        return _usage("--workers starts a local cluster; with --scheduler the cluster's workers are used.")
    if args.workers is not None and args.workers < 0:
        return _usage(f"--workers is a number of processes, or {IN_PROCESS} to run in this process.")
    try:
        template = read_template(args.template)
    except ContractDiffError as error:
        return _usage(f"the template cannot be used: {error}")
    sources = collect_sources(args.documents)
    if not sources:
        return _usage("no .txt, .docx, .pdf or .html files in " + " ".join(args.documents))
    from tqdm import tqdm

    stream_path = args.out.with_suffix(".jsonl")
    for path in (args.out, args.html, args.csv):
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
    schema = DocumentDriftSchema()
    progress = tqdm(total=len(sources), unit="doc", desc="drift", file=sys.stderr,
                    disable=True if args.no_progress else None, dynamic_ncols=True)
    with stream_path.open("w", encoding="utf-8") as stream, progress:

        def on_result(index: int, result: DocumentDrift) -> None:
            stream.write(json.dumps({"index": index, **schema.dump(result)}, ensure_ascii=False) + "\n")
            stream.flush()
            if result.error:
                tqdm.write(f"読めずに飛ばしました：{document_error(result.error)}", file=sys.stderr)
            progress.update()

        try:
            run = run_batch(template, sources, scheduler=args.scheduler, workers=args.workers,
                            model=args.model, options=Options(ignore_formatting=not args.keep_formatting),
                            on_result=on_result)
        except ClusterUnavailable as error:
            return _usage(str(error))
    report = DriftResponse().dump(DriftReport(
        template={"name": str(args.template), "articles": len(template.articles)},
        documents=run.results,
        aggregate=aggregate(template, run.results),
        meta={"model": run.model, "model_version": run.model_version,
              "elapsed_ms": round(run.seconds * 1000, 1)},
    ))
    _write(args.out, json.dumps(report, ensure_ascii=False, indent=1) + "\n")
    if args.html:
        _write(args.html, render_html(report))
    if args.csv:
        # With a byte-order mark, Excel reads the Japanese names as UTF-8.
        _write(args.csv, render_csv(report), encoding="utf-8-sig")
    _print_summary(report, run.seconds, run.workers, [args.out, args.html, args.csv], sys.stderr)
    return 0


def _print_summary(report: dict[str, Any], seconds: float, workers: int, written: Sequence[Path | None],
                   out: TextIO) -> None:
    aggregate = report["aggregate"]
    where = "このプロセス" if workers == IN_PROCESS else f"ワーカー{workers}個"
    print(f"{aggregate['documents']}件を比較、{aggregate['failed']}件は読めずに飛ばしました"
          f"（{seconds:.1f}秒、{where}）。平均乖離度 {aggregate['drift']:.3f}。", file=out)
    if others := aggregate.get("other_template"):
        print(f"  別の雛形で作られたとみられる文書 {len(others)}件：" + "、".join(others[:5])
              + ("…" if len(others) > 5 else ""), file=out)
    for article in aggregate["articles"][:5]:
        if article["missing"] or article["modified"]:
            ref = article["template"]
            print(f"  {ref['label']}（{ref['heading'] or ''}）：欠く文書 {article['missing']}件、"
                  f"変えた文書 {article['modified']}件（うち条件値を変えた文書 {article['term_changed']}件）",
                  file=out)
    print("書き出しました：" + "、".join(str(path) for path in written if path is not None), file=out)


def _write(path: Path, text: str, *, encoding: str = "utf-8") -> None:
    """Write whole or not at all: a reader never sees half a report."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding=encoding)
    os.replace(partial, path)


def _usage(message: str) -> int:
    print(f"python -m service.cli: {message}", file=sys.stderr)
    return USAGE_ERROR


# compare ------------------------------------------------------------------------------------


def run_compare(args: argparse.Namespace) -> int:
    try:
        original, revised = (read_document(path.read_bytes(), name=str(path))
                             for path in (args.original, args.revised))
    except OSError as error:
        return _usage(f"{error.filename}: cannot be read ({error.strerror}).")
    except ContractDiffError as error:
        return _usage(str(error))
    engine = load_engine(args.model)
    comparison = compare(original, revised, engine=engine,
                         options=Options(ignore_formatting=not args.keep_formatting))
    if args.json:
        meta = {**comparison.meta, "model": engine.name, "model_version": engine.version,
                "original_name": str(args.original), "revised_name": str(args.revised)}
        answer = CompareResponse().dump(replace(comparison, meta=meta))
        print(json.dumps(answer, ensure_ascii=False, indent=1))
        return 0
    colour = args.color == "always" or (args.color == "auto" and sys.stdout.isatty()
                                        and "NO_COLOR" not in os.environ)
    sys.stdout.write(render_redline(comparison, str(args.original), str(args.revised), colour=colour))
    return 0


def render_redline(comparison: Comparison, original: str, revised: str, *, colour: bool) -> str:
    """The comparison for a terminal: each changed article with its redline and changes, then the rest."""

    def style(text: str, code: str) -> str:
        return f"{code}{text}{RESET}" if colour and text else text

    counts = " · ".join(f"{label} {getattr(comparison.summary, key)}" for key, label in SUMMARY_LABELS)
    lines = [style(f"{original} → {revised}", HEADING_STYLE), counts, ""]
    unchanged = []
    for clause in comparison.clauses:
        if clause.status == Status.EQUAL and not clause.changes:
            unchanged.append(_labels(clause))
            continue
        lines.append(style("  ".join([_labels(clause), "・".join(clause_badges(clause))]).rstrip(),
                           HEADING_STYLE))
        lines += ["  " + line for line in _redline_text(clause.redline, colour).split("\n")]
        lines += ["  ▸ " + change_note(change) for change in clause.changes]
        lines.append("")
    if unchanged:
        lines.append(style("変更なし：" + "、".join(unchanged), QUIET_STYLE))
    return "\n".join(lines) + "\n"


def _labels(clause: Clause) -> str:
    left, right = clause.original, clause.revised
    ref = right or left
    assert ref is not None
    heading = f"（{ref.heading}）" if ref.heading else ""
    if left is not None and right is not None and left.label != right.label:
        return f"{left.label} → {right.label}{heading}"
    return f"{ref.label or PART_LABELS[ref.part]}{heading}"


def _redline_text(segments: Sequence[Segment], colour: bool) -> str:
    """Inline marks per line, so that each line of the terminal stands alone (and survives ``less -R``)."""
    out = []
    for segment in segments:
        if segment.op == Op.EQUAL:
            out.append(segment.text)
            continue
        if colour:
            code = DELETE_STYLE if segment.op == Op.DELETE else INSERT_STYLE
            pieces = segment.text.split("\n")
            out.append("\n".join(f"{code}{piece}{RESET}" if piece else "" for piece in pieces))
        else:
            start, end = PLAIN_MARKS[segment.op]
            out.append(f"{start}{segment.text}{end}")
    return "".join(out).strip("\n")


if __name__ == "__main__":
    sys.exit(main())
