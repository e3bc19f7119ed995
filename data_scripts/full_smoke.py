"""Execute the lessons in full mode with the step cap, and report status, seconds and peak memory.

    python data_scripts/full_smoke.py [--steps 2] [--out build/full-smoke] [--pattern '0[7-9]_*.ipynb']
    python data_scripts/full_smoke.py --lessons 00 01 04 --max-rss-gb 4     # what make full-smoke-light runs

What `make full-smoke` runs (issue #17). Each lesson runs top to bottom with `OCRCOURSE_MODE=full`
(full crops, batches, teachers, datasets) and `OCRCOURSE_MAX_STEPS=N` (every Trainer stops after N
steps, settings.py), so full mode is proven to execute on a CPU without a GPU-sized time budget.
While a lesson runs, the resident memory (RSS) of the whole process tree under this script — the
Jupyter kernel and any data-loader workers — is sampled every 0.2 s; the peak is what the lesson
needs on the host (on a GPU the model's activations move to device memory, the host keeps the
data pipeline and the Python process).

The table is printed and written to `<out>/full_smoke.md` and `<out>/full_smoke.json`; the executed
notebooks go to `<out>/`. Exit status 1 if any lesson failed or exceeded `--max-rss-gb` (default 32,
the host of a typical one-GPU machine).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


class PeakRSS:
    """Sample the summed RSS of this process's descendants (not this process) in a thread; also their
    CPU seconds (user + system, last value seen per process), which unlike wall time hardly depend on
    what else runs on the machine: `cpu_seconds / 2` is about the wall time on 2 otherwise idle cores."""

    def __init__(self, interval: float = 0.2):
        import psutil

        self._me = psutil.Process()
        self.interval, self.peak = interval, 0
        self._cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> int:
        import psutil

        total = 0
        for child in self._me.children(recursive=True):
            try:
                total += child.memory_info().rss
                times = child.cpu_times()
                self._cpu[child.pid] = times.user + times.system
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                pass
        return total

    @property
    def cpu_seconds(self) -> float:
        return sum(self._cpu.values())

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def parse_batch_caps(items: list[str]) -> dict[str, int]:
    """`["4"]` -> {"*": 4} (every lesson); `["15=4", "13=8"]` -> {"15": 4, "13": 8}."""
    caps = {}
    for item in items:
        lesson, _, value = item.rpartition("=")
        if (lesson and not (len(lesson) == 2 and lesson.isdigit())) or not value.isdigit() or int(value) < 1:
            raise SystemExit(f"--max-batch {item!r}: give N or NN=N (a two-digit lesson, a positive batch)")
        caps[lesson or "*"] = int(value)
    return caps


def format_table(rows: list[dict], steps: int) -> str:
    capped = [f"{r['lesson'][:2]} at {r['max_batch']}" for r in rows if r.get("max_batch")]
    batch = (f"; training batch capped per card (OCRCOURSE_MAX_BATCH) in lesson {', '.join(capped)}"
             if capped else "")
    lines = [f"Full mode, every training run capped at {steps} steps (OCRCOURSE_MAX_STEPS={steps}){batch}:", "",
             "| lesson | status | seconds | CPU seconds | peak RSS (GB) | note |", "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['lesson']} | {r['status']} | {r['seconds']:.0f} | {r.get('cpu_seconds', 0):.0f} | "
                     f"{r['peak_rss_gb']:.2f} | "
                     f"{r['error'][:160].replace('|', '/')} |")
    ok = sum(r["status"] == "ok" for r in rows)
    lines += ["", f"{ok} of {len(rows)} lessons ran; {sum(r['seconds'] for r in rows):.0f} s in all "
              f"({sum(r.get('cpu_seconds', 0) for r in rows):.0f} CPU s); "
              f"largest peak {max([r['peak_rss_gb'] for r in rows] + [0]):.2f} GB"]
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--steps", type=int, default=2, help="OCRCOURSE_MAX_STEPS (default 2)")
    ap.add_argument("--out", default="build/full-smoke")
    ap.add_argument("--folder", default=str(REPO / "lessons"))
    ap.add_argument("--pattern", default="[0-9][0-9]_*.ipynb")
    ap.add_argument("--lessons", nargs="+", metavar="NN", help="only these lessons (two-digit numbers), in this order")
    ap.add_argument("--kernel", default="ocrcourse")
    ap.add_argument("--timeout", type=int, default=1800, help="seconds per cell")
    ap.add_argument("--max-rss-gb", type=float, default=32.0)
    ap.add_argument("--max-batch", nargs="+", default=[], metavar="N|NN=N",
                    help="OCRCOURSE_MAX_BATCH: cap the training batch at N per card in every lesson (N) or in "
                         "lesson NN only (NN=N), for a host with less memory than full mode needs on a CPU; "
                         "the table says which lessons ran capped")
    args = ap.parse_args(argv)

    os.environ["OCRCOURSE_MODE"] = "full"
    os.environ["OCRCOURSE_MAX_STEPS"] = str(args.steps)
    batch_caps = parse_batch_caps(args.max_batch)
    os.environ.setdefault("OCRCOURSE_HEADLESS", "1")
    from ocrcourse.lessons_runner import run_notebook

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    paths = sorted(Path(args.folder).glob(args.pattern))
    if args.lessons:
        paths = [p for n in args.lessons for p in paths if p.name.startswith(f"{int(n):02d}_")]
        if len(paths) != len(args.lessons):
            ap.error(f"--lessons {' '.join(args.lessons)}: found only {[p.name for p in paths]}")
    for path in paths:
        print(f"running {path.name} (full mode, {args.steps} steps per training run) ...", flush=True)
        cap = batch_caps.get(path.name[:2], batch_caps.get("*"))
        if cap:
            os.environ["OCRCOURSE_MAX_BATCH"] = str(cap)      # the kernel inherits the environment
        else:
            os.environ.pop("OCRCOURSE_MAX_BATCH", None)
        with PeakRSS() as rss:
            result = run_notebook(path, out, args.kernel, timeout=args.timeout)
        row = {"lesson": result.lesson, "status": result.status, "seconds": round(result.seconds, 1),
               "max_batch": cap,
               "cpu_seconds": round(rss.cpu_seconds, 1),
               "peak_rss_gb": round(rss.peak / 2**30, 2), "error": re.sub(r"\x1b\[[0-9;]*m", "", result.error)}
        if row["status"] == "ok" and row["peak_rss_gb"] > args.max_rss_gb:
            row["status"], row["error"] = "failed", f"peak RSS above {args.max_rss_gb} GB"
        rows.append(row)
        print(f"  {row['status']}  {row['seconds']:.0f} s  {row['cpu_seconds']:.0f} CPU s  {row['peak_rss_gb']:.2f} GB  "
              f"{row['error']}", flush=True)
        (out / "full_smoke.json").write_text(json.dumps(rows, indent=1))   # partial results survive a kill
    table = format_table(rows, args.steps)
    (out / "full_smoke.md").write_text(table + "\n")
    print(table)
    return 0 if rows and all(r["status"] == "ok" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
