"""Check the labelled corpus and print its counts.

Run from anywhere:  python tests/detection/corpus_check.py  [--table]  (tests/detection/test_corpus.py runs it too)
Exits non-zero on the first class of problem found (all problems are listed).
"""

from __future__ import annotations

import collections
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parents[2] / "sigap" / "detection" / "corpus"
from sigap.detection.evaluation import EVALUATION_SPLITS, TRAINING_SPLITS  # noqa: E402 - one list

ALL_SPLITS = (*TRAINING_SPLITS, *EVALUATION_SPLITS)
SPLITS = tuple(name for name in ALL_SPLITS if (HERE / f"{name}.jsonl").exists())
SEALED = EVALUATION_SPLITS
from sigap.detection.types import MODUS_CODES  # noqa: E402 - the TAXONOMY.md contract

RISKS = ("low", "medium", "high", "critical")
REPORTERS = {"warga", "guru", "perangkat_desa", "babinsa", "bhabinkamtibmas", "pimpasa", "keluarga", "korban"}
FIELDS = ["id", "text", "relevant", "modus", "risk", "reporter"]
ID_PREFIX = {
    "train_b": "trb",
    "train_c": "trc",
    "train_w1": "w1",
    "train_w2": "w2",
    "train_w3": "w3",
    "train_w6": "w6",
    "train_w7": "w7",
    "train_w8": "w8",
    "train_w9": "w9",
    "train_w10": "w10",
    "train_w11": "w11",
    "train_w13": "w13",
    "train_w14": "w14",
    "train_w15": "w15",
    "train_w16": "w16",
    "train_w18": "w18",
    "holdout_b": "hob",
    "holdout_c": "hoc",
    "holdout_d": "hod",
    "holdout_e": "hoe",
}
SHINGLE = 60  # no two texts may share a substring this long (after lower-casing, spaces collapsed)


def norm(text: str) -> str:
    return " ".join(text.lower().split())


def load() -> dict[str, list[dict]]:
    return {
        s: [
            json.loads(line)
            for line in (HERE / f"{s}.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]
        for s in SPLITS
    }


def problems(data: dict[str, list[dict]]) -> list[str]:
    out: list[str] = []
    ids: set[str] = set()
    texts: dict[str, str] = {}
    shingles: dict[str, str] = {}
    for split in SPLITS:
        path = HERE / f"{split}.jsonl"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            where = f"{split}.jsonl:{n}"
            try:
                r = json.loads(line)
            except json.JSONDecodeError as e:
                out.append(f"{where}: not JSON ({e})")
                continue
            if list(r) != FIELDS:
                out.append(f"{where}: fields {list(r)} != {FIELDS}")
                continue
            rid = r["id"]
            prefix = ID_PREFIX.get(split, split)
            if not re.fullmatch(rf"{prefix}-\d{{4}}", rid):
                out.append(f"{where}: bad id {rid!r}")
            if rid in ids:
                out.append(f"{where}: duplicate id {rid}")
            ids.add(rid)
            modus, risk = r["modus"], r["risk"]
            if not isinstance(modus, list) or not modus or len(set(modus)) != len(modus):
                out.append(f"{where}: modus must be a non-empty list without repeats")
            elif "none" in modus:
                if modus != ["none"]:
                    out.append(f"{where}: 'none' must stand alone")
                if r["relevant"] is not False or risk != "low":
                    out.append(f"{where}: 'none' records must be relevant=false, risk=low")
            else:
                bad = [m for m in modus if m not in MODUS_CODES]
                if bad:
                    out.append(f"{where}: unknown modus {bad}")
                if r["relevant"] is not True:
                    out.append(f"{where}: a record with a modus must be relevant=true")
                if risk == "low":
                    out.append(f"{where}: relevant records are labelled medium or above in this corpus")
            if risk not in RISKS:
                out.append(f"{where}: bad risk {risk!r}")
            if r["reporter"] not in REPORTERS:
                out.append(f"{where}: bad reporter {r['reporter']!r}")
            t = norm(r["text"])
            if not t:
                out.append(f"{where}: empty text")
            if t in texts:
                out.append(f"{where}: same text as {texts[t]}")
            texts[t] = rid
            near = None
            grams = (
                {t[i : i + SHINGLE] for i in range(max(1, len(t) - SHINGLE + 1))}
                if len(t) >= SHINGLE
                else set()
            )
            for g in grams:
                other = shingles.get(g)
                if other and other != rid:
                    near = (other, g)
                    break
            if near:
                out.append(f"{where}: shares a {SHINGLE}-char substring with {near[0]}: {near[1]!r}")
            for g in grams:
                shingles.setdefault(g, rid)
    return out


def table(data: dict[str, list[dict]]) -> str:
    """Markdown: per split, records carrying each modus (any position), by risk."""
    lines = []
    head = "| split | modus | low | medium | high | critical | total |"
    for split in SPLITS:
        recs = data[split]
        lines += [f"\n**{split}** ({len(recs)} records)\n", head, "|---|---|---:|---:|---:|---:|---:|"]
        for code in (*MODUS_CODES, "none"):
            c = collections.Counter(r["risk"] for r in recs if code in r["modus"])
            if sum(c.values()):
                lines.append(
                    f"| {split} | {code} | "
                    + " | ".join(str(c[k]) for k in RISKS)
                    + f" | {sum(c.values())} |"
                )
    return "\n".join(lines)


def summary(data: dict[str, list[dict]]) -> str:
    main = [r for s in SPLITS if s not in SEALED for r in data[s]]
    sealed = [s for s in SEALED if s in data]
    lines = [
        "| modus | training, any position | training, primary | "
        + " | ".join(f"{s} (primary)" for s in sealed)
        + " |",
        "|---|---:|---:|" + "---:|" * len(sealed),
    ]
    for code in (*MODUS_CODES, "none"):
        anyp = sum(code in r["modus"] for r in main)
        prim = sum(r["modus"][0] == code for r in main)
        held = " | ".join(str(sum(r["modus"][0] == code for r in data[s])) for s in sealed)
        lines.append(f"| {code} | {anyp} | {prim} | {held} |")
    multi = sum(len(r["modus"]) > 1 for r in main)
    lines.append(
        f"\nmulti-label training records: {multi}; training reporters: "
        + ", ".join(f"{k} {v}" for k, v in collections.Counter(r["reporter"] for r in main).most_common())
    )
    return "\n".join(lines)


def main() -> int:
    data = load()
    found = problems(data)
    for p in found:
        print("PROBLEM", p)
    print(
        f"{sum(len(v) for v in data.values())} records: " + ", ".join(f"{s} {len(data[s])}" for s in SPLITS)
    )
    if "--table" in sys.argv:
        print(summary(data))
        print(table(data))
    print("OK" if not found else f"{len(found)} problem(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
