"""Detection engine benchmark: throughput, start-up, memory and the adversarial worst case.

Throughput is measured on 10,000 reports of about 300 characters built from the labelled corpus
(each corpus text cut or extended to 250-350 characters, so every report is different), in this
process on one core, after start-up, two ways: as a stream (``analyze_many``, which ``sigap analyze``
uses: each step runs over a batch of 64 reports before the next) and one at a time (``analyze``, as
the web app calls it for each new report). Both give the same records. The baseline in the same run
is the cost of normalising the same texts alone (the engine's first step), so the ratios say what the
rest costs.
"""

from __future__ import annotations

import json
import random
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPUS = ROOT / "sigap" / "detection" / "corpus"
N = 10_000


def reports() -> list[str]:
    texts = []
    # Training texts only: the sealed evaluation splits are read by `sigap evaluate` and nothing else.
    for split in ("train", "dev", "train_c", "train_b"):
        with (CORPUS / f"{split}.jsonl").open(encoding="utf-8") as handle:
            texts += [json.loads(line)["text"] for line in handle if line.strip()]
    rng = random.Random(20261128)
    out = []
    for i in range(N):
        base = texts[i % len(texts)]
        while len(base) < 250:
            base += " " + rng.choice(texts)
        cut = rng.randint(250, 350)
        out.append(f"{base[:cut]} #{i}")
    return out


def main() -> int:
    started = time.perf_counter()
    from sigap.detection import analyze, analyze_many
    from sigap.detection.normalise import normalise

    analyze("pemanasan")  # loads the catalogue and the model
    startup = time.perf_counter() - started
    data = reports()
    mean_len = statistics.mean(len(t) for t in data)

    t0 = time.perf_counter()
    for text in data:
        normalise(text)
    baseline = time.perf_counter() - t0

    t0 = time.perf_counter()
    analyze_many(data)
    elapsed = time.perf_counter() - t0

    t0 = time.perf_counter()
    for text in data:
        analyze(text)
    one_by_one = time.perf_counter() - t0
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    adversarial = {
        "repeated cue words": ("gaji 20 juta calo kamboja disekap tidak paspor " * 500)[:20_000],
        "long digit run": ("0812" * 5000)[:20_000],
        "emoji": ("😀🇮🇩🙏🏽" * 5000)[:20_000],
        "one long word": "a" * 20_000,
        "punctuation": ("!?.,;:-" * 3000)[:20_000],
    }
    worst = []
    for name, text in adversarial.items():
        runs = []
        for _ in range(3):
            t = time.perf_counter()
            analyze(text)
            runs.append(time.perf_counter() - t)
        worst.append((max(runs), name))

    rate = N / elapsed
    print(f"detection: {N:,} reports, mean {mean_len:.0f} characters, one process, one core")
    print(f"  start-up (import, catalogue, model): {startup:.2f} s  (goal < 2 s)")
    print(
        f"  throughput, a stream (analyze_many, sigap analyze): {rate:,.0f} reports/s "
        f"({elapsed / N * 1e6:.0f} us each)  (goal >= 5,000/s)"
    )
    print(
        f"  throughput, one at a time (analyze): {N / one_by_one:,.0f} reports/s "
        f"({one_by_one / N * 1e6:.0f} us each)"
    )
    print(
        f"  baseline, normalising alone: {N / baseline:,.0f} reports/s -> a stream = "
        f"{elapsed / baseline:.1f}x the normaliser, one at a time = {one_by_one / baseline:.1f}x"
    )
    print(f"  peak memory (max RSS): {rss_mb:.0f} MB  (goal < 300 MB)")
    slowest, name = max(worst)
    print(f"  worst 20,000-character adversarial input: {slowest * 1000:.1f} ms ({name})  (goal < 100 ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
