"""A small recognition task that a CRNN learns from scratch on two CPU cores: prices, dates and codes.

The course's main rec set (`synth.py`) mixes Latin words, numbers and 400 Chinese characters in
lines of up to 25 characters: a fine task for fine-tuning official weights, but a CRNN trained on
it from scratch stays in CTC's all-blank phase for far longer than a CPU lesson lasts. This task
keeps what makes CTC leave that phase quickly:

- a small dictionary: `CODES_CHARS`, 20 characters (10 digits, `.-:/%`, `ABCDE`);
- short lines: 2-10 characters (prices `12.50`, dates `2024-03-15` or `15/03/24`, times `09:45`,
  codes `B12-345`, percentages `45%`, plain numbers);
- many distinct lines: every sample draws a new text.

The crops are drawn exactly as the main set's directly rendered lines (`synth.make_rec_line`: the
same fonts, backgrounds, tilt, blur and noise), so the task is easier in its text, not its pictures.

Layout (PaddleOCR's rec format), under `<root>/synth_codes/` (`<root>` = ./train_data by default):

    rec/images/*.png  rec/train.txt  rec/eval.txt     images/x.png\\ttext
    dict.txt                                          the 20 characters, one per line (no space)

Built on demand (`build_codes_dataset`, about a minute on 2 cores for the default sizes), not by
`make data`; a stamp makes a second call a no-op. Lesson: lessons/09_crnn_recognition.ipynb.
"""
from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Callable

import numpy as np

from .synth import _build_lock, _is_current, _write_split, default_data_root, make_rec_line
from .synth_render import FontBook

__all__ = ["CODES_CHARS", "CODES_VERSION", "CODES_SIZES", "sample_code", "build_codes_dataset"]

CODES_CHARS = "0123456789.-:/%ABCDE"    # the dictionary, in order (20 characters)
CODES_VERSION = 1                       # bump when the output changes, so stale data is rebuilt
CODES_SIZES = (6000, 300)               # (train, eval) lines
_LETTERS = "ABCDE"


def sample_code(rng: np.random.Generator) -> str:
    """One line of the task: a price, date, time, code, percentage or number (2-10 characters)."""
    r = lambda lo, hi: int(rng.integers(lo, hi))
    kind = r(0, 7)
    if kind == 0:
        return f"{r(0, 1000)}.{r(0, 100):02d}"                                   # price
    if kind == 1:
        return f"{r(1990, 2031)}-{r(1, 13):02d}-{r(1, 29):02d}"                  # ISO date
    if kind == 2:
        return f"{r(1, 29):02d}/{r(1, 13):02d}/{r(0, 100):02d}"                  # short date
    if kind == 3:
        return f"{r(0, 24):02d}:{r(0, 60):02d}"                                  # time
    if kind == 4:
        head = "".join(rng.choice(list(_LETTERS), size=r(1, 3)))
        return f"{head}{r(1, 100)}-{r(0, 1000):03d}"[:10]                      # code
    if kind == 5:
        return f"{r(1, 100)}%"                                                   # percentage
    return str(r(10, 10 ** r(2, 7)))                                             # number


def _stamp(seed: int, sizes) -> dict:
    return {"task": "codes", "codes_version": CODES_VERSION, "seed": seed, "sizes": list(sizes)}


def build_codes_dataset(root=None, sizes=CODES_SIZES, seed: int = 0, force: bool = False,
                        progress: Callable[[str], None] | None = print) -> dict:
    """Write the codes task under `<root>/synth_codes/` unless its stamp is current.

    Returns {"out_dir", "skipped", "seconds", "stamp"}. Written to a temporary folder and swapped
    in, under the same lock as `make data`, so an interrupted build never looks finished.
    """
    out_dir = Path(root or default_data_root()) / "synth_codes"
    stamp = _stamp(seed, sizes)
    say = progress or (lambda msg: None)
    with _build_lock(out_dir):
        if not force and _is_current(out_dir, stamp):
            return {"out_dir": str(out_dir), "skipped": True, "seconds": 0.0, "stamp": stamp}
        t0 = time.perf_counter()
        tmp = out_dir.with_name(f".{out_dir.name}.building")
        shutil.rmtree(tmp, ignore_errors=True)
        (tmp / "rec" / "images").mkdir(parents=True)
        fonts = FontBook()
        for split_id, (split, n) in enumerate(zip(("train", "eval"), sizes)):
            rng = np.random.default_rng([seed, 17, split_id])     # 17: not one of synth.py's task ids
            _write_split(tmp / "rec", split, n, lambda: make_rec_line(rng, fonts, sample_code(rng)), "png")
        (tmp / "dict.txt").write_text("".join(c + "\n" for c in CODES_CHARS), encoding="utf-8")
        (tmp / ".stamp.json").write_text(json.dumps(stamp, indent=1))
        if out_dir.exists():
            shutil.rmtree(out_dir)
        os.replace(tmp, out_dir)
        seconds = time.perf_counter() - t0
        say(f"{out_dir}: {sum(sizes)} lines ({sizes[0]} train / {sizes[1]} eval) in {seconds:.1f} s")
    return {"out_dir": str(out_dir), "skipped": False, "seconds": seconds, "stamp": stamp}
