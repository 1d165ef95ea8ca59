"""``sigap analyze``, ``sigap train`` and ``sigap evaluate``: no database, no Django settings."""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any, TextIO

from sigap.detection.types import Analysis

# What makes a line skipped rather than the run stopped: bad JSON, no "text", a value of the wrong
# type, an id that cannot be written back as JSON (NaN).
SKIPPED = (ValueError, KeyError, TypeError, AttributeError)
ANSI = {"bold": "\033[1m", "hl": "\033[30;43m", "reset": "\033[0m"}


def _highlight(text: str, analysis: Analysis, colour: bool) -> str:
    if not colour:
        marks = sorted({(h.start, h.end) for h in analysis.indicators})
        out, pos = [], 0
        for start, end in marks:
            if start < pos:
                continue
            out += [text[pos:start], "[[", text[start:end], "]]"]
            pos = end
        return "".join(out) + text[pos:]
    out, pos = [], 0
    for start, end in sorted({(h.start, h.end) for h in analysis.indicators}):
        if start < pos:
            continue
        out += [text[pos:start], ANSI["hl"], text[start:end], ANSI["reset"]]
        pos = end
    return "".join(out) + text[pos:]


def _human(text: str, analysis: Analysis, out: TextIO) -> None:
    colour = out.isatty()
    bold = (lambda s: f"{ANSI['bold']}{s}{ANSI['reset']}") if colour else (lambda s: s)
    out.write(_highlight(text, analysis, colour) + "\n\n")
    modus = ", ".join(analysis.modus)
    out.write(f"{bold('Risiko')}: {analysis.risk} (skor {analysis.score})   {bold('Modus')}: {modus}\n")
    out.write(f"{bold('Penjelasan')}: {analysis.explanation}\n")
    if analysis.indicators:
        out.write(bold("Indikator") + ":\n")
        for hit in analysis.indicators:
            where = f"{hit.start}-{hit.end}"
            out.write(f'  - {hit.code} [{hit.dimension}, {hit.strength}]: "{hit.evidence}" ({where})\n')
    entities = {k: v for k, v in analysis.to_record()["entities"].items() if v}
    if entities:
        out.write(bold("Entitas") + ": " + json.dumps(entities, ensure_ascii=False) + "\n")
    if analysis.flags:
        out.write(bold("Status") + ": " + ", ".join(analysis.flags) + "\n")


def cmd_analyze(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from sigap.detection import analyze

    try:
        now = datetime.fromisoformat(args.now) if args.now else None
    except ValueError:
        sys.stderr.write(f"--now must be ISO 8601, e.g. 2026-11-28T09:00+07:00, not {args.now!r}\n")
        return 2
    if args.text is not None:
        _human(args.text, analyze(args.text, now=now), stdout)
        return 0
    if args.batch is not None and args.batch < 1:
        sys.stderr.write(f"--batch must be at least 1, not {args.batch}\n")
        return 2
    from sigap.detection.engine import BATCH

    bad = 0
    lines = _read_lines(stdin)
    while chunk := list(itertools.islice(lines, args.batch or BATCH)):
        for line_no, outcome in _records(chunk, now):
            if isinstance(outcome, Exception):
                bad += 1
                sys.stderr.write(
                    f"line {line_no}: skipped, {outcome.__class__.__name__}: {str(outcome)[:200]}\n"
                )
            else:
                stdout.write(outcome + "\n")
        stdout.flush()
    return 1 if bad else 0


def _read_lines(stdin: TextIO) -> Iterator[tuple[int, Any, str | Exception]]:
    """(line number, id, text) of each non-empty line, or the reason it cannot be read instead of
    the text."""
    for line_no, line in enumerate(stdin, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            text = item["text"]
            if not isinstance(text, str):
                raise TypeError("text must be a string")
            yield line_no, item.get("id"), text
        except SKIPPED as exc:
            yield line_no, None, exc


def _records(
    chunk: list[tuple[int, Any, str | Exception]], now: datetime | None
) -> Iterator[tuple[int, str | Exception]]:
    """Each line's analysis record as JSON, or why the line is skipped, in line order. The texts
    are analysed together; were the engine to raise (it is tested never to), one at a time, so
    that only the line it fails on is skipped."""
    from sigap.detection import analyze, analyze_many

    readable = [(id_, text) for _, id_, text in chunk if isinstance(text, str)]
    analyses: list[Any]
    try:
        analyses = analyze_many([text for _, text in readable], ids=[id_ for id_, _ in readable], now=now)
    except SKIPPED:
        analyses = []
        for id_, text in readable:
            try:
                analyses.append(analyze(text, id=id_, now=now))
            except SKIPPED as exc:
                analyses.append(exc)
    found = iter(analyses)
    for line_no, _, given in chunk:
        analysis: Analysis | Exception = next(found) if isinstance(given, str) else given
        if isinstance(analysis, Exception):
            yield line_no, analysis
            continue
        try:
            # ASCII escapes keep lone surrogates and any odd character valid JSON; NaN ids are refused.
            yield line_no, json.dumps(analysis.to_record(), ensure_ascii=True, allow_nan=False)
        except SKIPPED as exc:
            yield line_no, exc


def cmd_train(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from sigap.detection.evaluation import load_split, train_on, training_splits
    from sigap.detection.model import save

    started = time.perf_counter()
    splits = args.splits or training_splits()
    records = [r for split in splits for r in load_split(split)]
    artifact = train_on(records)
    save(artifact)
    stdout.write(
        f"trained {artifact['version']} on {len(records)} reports ({', '.join(splits)}) "
        f"in {time.perf_counter() - started:.1f} s\n"
    )
    return 0


def cmd_evaluate(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from sigap.detection import analyze
    from sigap.detection.evaluation import (
        cross_validate,
        cross_validate_writers,
        evaluate,
        load_split,
        training_splits,
    )

    if args.cv == "writers":
        result, parts = cross_validate_writers()
        stdout.write("leave-one-writer-out cross-validation over the training splits\n")
        for writer, part in parts.items():
            stdout.write(
                f"  held out {writer} ({part.n}): relevance F1 {part.relevance_f1:.3f}, primary modus "
                f"{part.primary_accuracy:.3f}, high+critical recall {part.high_recall:.3f}, "
                f"negatives flagged {part.negatives_flagged_share:.3f}\n"
            )
        stdout.write(result.report() + "\n")
    elif args.cv:
        folds = int(args.cv)
        splits = training_splits()
        records = [r for split in splits for r in load_split(split)]
        result = cross_validate(records, folds=folds)
        stdout.write(f"{folds}-fold cross-validation over {' + '.join(splits)}\n" + result.report() + "\n")
    else:
        result = evaluate(load_split(args.split), analyze)
        stdout.write(f"split: {args.split}\n" + result.report() + "\n")
    if args.errors:
        for error in result.errors:
            stdout.write(json.dumps(error, ensure_ascii=False) + "\n")
    return 0 if (result.meets_targets() or not args.check) else 1


def _folds(value: str) -> int | str:
    if value == "writers":
        return value
    folds = int(value)
    if folds < 2:
        raise argparse.ArgumentTypeError("K must be at least 2")
    return folds


def main(argv: list[str], stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sigap", description="SIGAP detection engine")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("analyze", help="analyse JSON Lines {id, text} from stdin, or one --text")
    p.add_argument("--text", help="analyse this text and print a readable result")
    p.add_argument("--now", help="report time (ISO 8601) for relative dates; default: now")
    p.add_argument(
        "--batch",
        type=int,
        help="analyse this many lines together and write their records then (default: the engine's"
        " batch, 1,024, the fastest for a stream); 1 answers each line as soon as it is read",
    )
    p = sub.add_parser("train", help="fit the modus model on the corpus and write data/model.json")
    p.add_argument("--splits", nargs="+", help="default: every training split present (see docs)")
    p = sub.add_parser("evaluate", help="precision/recall per modus and the risk confusion on a split")
    p.add_argument("--split", default="test", help="test, holdout, holdout_b, a training split or a .jsonl")
    p.add_argument("--errors", action="store_true", help="also print the misclassified reports")
    p.add_argument("--check", action="store_true", help="exit 1 when a target is not met")
    p.add_argument(
        "--cv",
        type=_folds,
        metavar="K|writers",
        help="k-fold cross-validation over the training splits, or leave-one-writer-out",
    )
    args = parser.parse_args(argv)
    handler = {"analyze": cmd_analyze, "train": cmd_train, "evaluate": cmd_evaluate}[args.command]
    return handler(args, stdin or sys.stdin, stdout or sys.stdout)
