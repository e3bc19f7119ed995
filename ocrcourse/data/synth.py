"""Synthetic training data: detection scenes, recognition lines and direction crops, offline.

The course trains on data it makes itself, seeded, in about a minute on two CPU cores:

- det: scenes of 320-640 px. Text lines (Latin words, numbers, Chinese) in several fonts, sizes,
  colours and angles, with mild perspective, over gradients, noise, shapes, paper or photos;
  either scattered (a street scene) or in rows (a document or receipt). Each line's 4-point
  polygon is labelled in PaddleOCR's det format; tiny or nearly invisible lines are labelled
  `###` (illegible: DB ignores them in its loss and the metric ignores them), and about 1 line in
  10 is legible but low-contrast. About 3 street scenes in 8 (1 scene in 4 overall; document pages
  stay straight) also get 1-2 curved lines: glyphs set along an arc (`synth_curve.py`), labelled
  with a 14-point polygon (7 points along the top edge left -> right, 7 back along the bottom), as
  Total-Text and CTW1500 label curved text. Because such an image's polygons are padded to 14
  points, CopyPaste never takes it as its second sample (PaddleOCR's rule, see `dataset.py`).
- rec: text-line crops with their text. Some are cut out of scenes with the same perspective crop
  the PP-OCR system uses between detection and recognition, the rest are rendered directly.
  Curved lines are not cut into rec crops: a 4-point perspective crop cannot straighten an arc
  (PP-OCR's system cuts polygon detections as their min-area rectangle, `det_box_type: poly`, which
  keeps the curve), and the recognisers of this course read straight lines. Their texts are no
  loss: every kind of text also comes as directly rendered, straight crops.
- cls: line crops labelled `0` (upright) or `180` (upside down) for the direction classifier.

Layout on disk (PaddleOCR's, relative paths inside each label file):

    <root>/synth/det/images/*.jpg   train.txt  eval.txt     images/x.jpg\\t[{"transcription": ..., "points": ...}]
    <root>/synth/rec/images/*.png   train.txt  eval.txt     images/x.png\\ttext
    <root>/synth/cls/images/*.png   train.txt  eval.txt     images/x.png\\t0   (or 180)
    <root>/synth/dict.txt           every character the generator can write (space excluded:
                                    configs set use_space_char: true)
    <root>/synth_tiny/...           the same, tiny, for CI smoke tests

`<root>` is `./train_data` (PaddleOCR's habit) unless `OCRCOURSE_DATA` says otherwise. A stamp file
records the generator version, seed and sizes, so a second `ocrcourse prepare-data` is a no-op.
Lesson: lessons/07_train_db.ipynb (and every training lesson after it).
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import time
from pathlib import Path
from typing import Callable

import cv2
import numpy as np

from ..errors import DataError
from ..pipeline.crop import get_rotate_crop_image
from .synth_curve import draw_curved_line, layout_curved_line
from .synth_render import FontBook, draw_line, make_background, render_line_mask
from .synth_text import charset, sample_text

__all__ = ["GENERATOR_VERSION", "CURVED_SHARE", "CURVE_POINTS", "DEFAULT_SIZES", "TINY_SIZES", "default_data_root", "make_det_scene",
           "make_rec_line", "scene_crops", "make_cls_sample", "build_synthetic_dataset",
           "prepare_course_data"]

log = logging.getLogger(__name__)

GENERATOR_VERSION = 4          # bump when the output changes, so stale data is rebuilt (4: curved lines)
CURVED_SHARE = 3 / 8           # street scenes with 1-2 curved lines (2 in 3 scenes are street scenes)
CURVE_POINTS = 7               # points per long edge of a curved line's polygon: 14 in all (CTW1500)
N_CHINESE = 400                # Chinese characters used: the 400 most frequent of synth_text
DEFAULT_SIZES = {"det": (250, 50), "rec": (2700, 300), "cls": (800, 200)}   # (train, eval)
TINY_SIZES = {"det": (12, 4), "rec": (48, 16), "cls": (24, 8)}
ILLEGIBLE = "###"


def default_data_root() -> str:
    """Where generated data lives: `OCRCOURSE_DATA`, default `./train_data` (PaddleOCR's)."""
    return os.environ.get("OCRCOURSE_DATA", "train_data")


# --- one detection scene ----------------------------------------------------------------------

def _line_style(rng, scale: float) -> tuple[int, float, bool]:
    """(font size, contrast, illegible?) of one scene line; about 1 line in 10 is illegible."""
    u = rng.random()
    if u < 0.05:
        return int(rng.integers(5, 8)), float(rng.uniform(60, 180)), True      # tiny
    if u < 0.10:
        return int(rng.integers(14, 40) * scale), float(rng.uniform(6, 16)), True   # invisible
    size = int(rng.integers(14, 48) * scale)
    contrast = float(rng.uniform(35, 70)) if u < 0.2 else float(rng.uniform(90, 200))
    return max(size, 9), contrast, False


def _add_line(scene, rng, font, text, contrast, centre, angle, taken, tries=1):
    """Render and place one line; up to `tries` random centres if `centre` is None."""
    mask, box = render_line_mask(text, font)
    h, w = scene.shape[:2]
    for _ in range(tries):
        c = centre if centre is not None else (rng.uniform(0, w), rng.uniform(0, h))
        tilt = rng.uniform(-1, 1, (4, 2)) * 0.12 * (box[2, 1] - box[0, 1])
        poly = draw_line(scene, mask, box, c, angle, tilt, rng, contrast, taken)
        if poly is not None:
            return poly
    return None


def _curved(scene, rng, fonts, n_lines, scale, taken, tries=20):
    """Up to `n_lines` curved lines, each bent through 30-110 degrees (less for short texts)."""
    h, w = scene.shape[:2]
    labels = []
    for _ in range(n_lines):
        text = sample_text(rng, n_chinese=N_CHINESE)[0]
        while len(text.replace(" ", "")) < 5:               # an arc needs a few characters
            text += sample_text(rng, "latin" if rng.random() < 0.5 else "chinese", N_CHINESE)[0][:4]
        text = text[:25]
        size, contrast, illegible = _line_style(rng, scale)
        font = fonts.pick(rng, text, size)
        # radius at least 3 text heights: bend <= length / (3 * size) radians
        bend = min(rng.uniform(30, 110), np.rad2deg(font.getlength(text) / (3 * size)))
        line = layout_curved_line(text, font, float(np.clip(rng.normal(0, 8), -25, 25)),
                                  bend * rng.choice([-1, 1]), k=CURVE_POINTS)
        x0, y0, x1, y1 = line.extent
        if x1 - x0 >= w or y1 - y0 >= h:
            continue
        for _ in range(tries):
            centre = (rng.uniform(-x0, w - x1), rng.uniform(-y0, h - y1))
            poly = draw_curved_line(scene, line, centre, rng, contrast, taken)
            if poly is not None:
                labels.append((ILLEGIBLE if illegible else text, poly))
                break
    return labels


def _scattered(scene, rng, fonts, n_lines, scale, taken):
    labels = []
    for _ in range(n_lines):
        text, _ = sample_text(rng, n_chinese=N_CHINESE)
        size, contrast, illegible = _line_style(rng, scale)
        angle = rng.normal(0, 3) if rng.random() < 0.7 else rng.uniform(-30, 30)
        font = fonts.pick(rng, text, size)
        poly = _add_line(scene, rng, font, text, contrast, None, angle, taken, tries=15)
        if poly is not None:
            labels.append((ILLEGIBLE if illegible else text, poly))
    return labels


def _document(scene, rng, fonts, n_lines, scale):
    """Rows of text, some with a right-aligned number (a receipt), the page slightly rotated."""
    h, w = scene.shape[:2]
    size = int(rng.integers(14, 30) * scale)
    pitch = size * rng.uniform(1.5, 2.2)
    angle = rng.uniform(-8, 8)
    a = np.deg2rad(angle)
    rot = np.array([[np.cos(a), np.sin(a)], [-np.sin(a), np.cos(a)]])
    centre = np.array([w / 2, h / 2])
    labels, taken = [], []
    y = rng.uniform(0.05, 0.15) * h + size
    while y < 0.95 * h - size and len(labels) < n_lines:
        parts = [(sample_text(rng, n_chinese=N_CHINESE)[0], "left")]
        if rng.random() < 0.5:
            parts.append((sample_text(rng, "number")[0], "right"))
        for text, side in parts:
            font = fonts.pick(rng, text, size)
            width = font.getlength(text)
            x = rng.uniform(0.05, 0.2) * w + width / 2 if side == "left" else 0.92 * w - width / 2
            c = centre + rot @ (np.array([x, y]) - centre)
            contrast = float(rng.uniform(80, 200))
            poly = _add_line(scene, rng, font, text, contrast, c, angle, taken)
            if poly is not None:
                labels.append((text, poly))
        y += pitch
    return labels


def _finish(scene: np.ndarray, rng) -> np.ndarray:
    """Camera-ish degradation: a little blur and sensor noise; back to uint8."""
    if rng.random() < 0.3:
        scene = cv2.GaussianBlur(scene, (0, 0), rng.uniform(0.3, 1.0))
    if rng.random() < 0.5:
        scene = scene + rng.normal(0, rng.uniform(2, 8), scene.shape).astype(np.float32)
    return np.clip(scene, 0, 255).astype(np.uint8)


def make_det_scene(rng: np.random.Generator, fonts: FontBook | None = None, size=None,
                   n_lines: int | None = None, layout: str | None = None, curved: float = CURVED_SHARE):
    """One detection sample: a (H, W, 3) uint8 BGR image and its PaddleOCR det label.

    Args:
        rng: the only source of randomness.
        fonts: a shared `FontBook` (made if None; pass one when making many scenes).
        size: (H, W); default random in [320, 640] each.
        n_lines: lines to try to place (some may not fit); default 4-14. Above 12 the text gets
            smaller (down to 0.45x) so more fits: n_lines=120 at 640 x 640 places about 50.
        layout: "scattered" or "document"; default random (2 in 3 scattered).
        curved: chance that a scattered scene gets 1-2 curved lines (placed first, counted in
            n_lines). They draw from their own stream (`rng.spawn`), so a scene not chosen for
            them is the very scene generator version 3 made from a fresh `rng` of the same seed.

    Returns:
        (image, labels): labels is a list of {"transcription": str, "points": [[x, y] * P]},
        points clockwise from the top-left, `"###"` for illegible lines; P = 4 for straight lines
        and 2 * CURVE_POINTS = 14 for curved ones.
    """
    fonts = fonts or FontBook()
    h, w = size if size is not None else (int(rng.integers(320, 641)), int(rng.integers(320, 641)))
    n_lines = int(n_lines if n_lines is not None else rng.integers(4, 15))
    layout = layout or ("scattered" if rng.random() < 2 / 3 else "document")
    scale = min(h, w) / 480
    scale *= max(0.45, min(1.0, (12 / n_lines) ** 0.5))   # smaller text when many lines must fit
    if layout == "document":
        scene = make_background(rng, h, w, kind=str(rng.choice(["paper", "gradient"])))
        lines = _document(scene, rng, fonts, n_lines, scale)
    else:
        scene = make_background(rng, h, w)
        taken, lines, own = [], [], rng.spawn(1)[0]
        if own.random() < curved:
            n_curved = int(own.integers(1, 3))
            lines = _curved(scene, own, fonts, n_curved, scale, taken)
            n_lines = max(n_lines - n_curved, 0)
        lines += _scattered(scene, rng, fonts, n_lines, scale, taken)
    labels = [{"transcription": t, "points": np.round(p).astype(int).tolist()} for t, p in lines]
    return _finish(scene, rng), labels


# --- recognition and classification samples ---------------------------------------------------

def scene_crops(image: np.ndarray, labels: list, min_height: int = 8) -> list:
    """(crop, text) for every legible straight line of a scene, cut out exactly as the PP-OCR system
    cuts detected boxes before recognition (`pipeline.crop.get_rotate_crop_image`). Curved lines
    (more than 4 points) are skipped: see the module docstring."""
    out = []
    for lab in labels:
        text = lab["transcription"]
        if text == ILLEGIBLE or len(text) > 25 or len(lab["points"]) != 4:
            continue
        crop = np.ascontiguousarray(get_rotate_crop_image(image, np.array(lab["points"], np.float32)))
        if crop.shape[0] >= min_height and crop.shape[1] >= min_height:
            out.append((crop, text))
    return out


def make_rec_line(rng: np.random.Generator, fonts: FontBook | None = None, text: str | None = None):
    """A directly rendered text-line crop: (h, w, 3) uint8 BGR and its text."""
    fonts = fonts or FontBook()
    text = text or sample_text(rng, n_chinese=N_CHINESE)[0]
    font = fonts.pick(rng, text, int(rng.integers(18, 44)))
    mask, box = render_line_mask(text, font)
    angle = float(np.clip(rng.normal(0, 1.0), -2.5, 2.5))
    pad_x, pad_y = 12, 12 + int(0.03 * mask.shape[1])     # room for the rotated ends: sin(2.5°)/2
    bg = make_background(rng, mask.shape[0] + 2 * pad_y, mask.shape[1] + 2 * pad_x)
    centre = (bg.shape[1] / 2, bg.shape[0] / 2)
    tilt = rng.uniform(-1, 1, (4, 2)) * 0.05 * (box[2, 1] - box[0, 1])
    poly = draw_line(bg, mask, box, centre, angle, tilt, rng, rng.uniform(60, 200))
    if poly is None:                     # cannot happen with this padding; keep the contract
        raise DataError("synthetic rec line did not fit its background")
    x0, y0 = np.maximum(np.floor(poly.min(0) - rng.uniform(0, 4, 2)), 0).astype(int)
    x1, y1 = np.ceil(poly.max(0) + rng.uniform(0, 4, 2)).astype(int)
    return _finish(bg[y0:y1, x0:x1], rng), text


def make_cls_sample(rng: np.random.Generator, crop: np.ndarray) -> tuple[np.ndarray, str]:
    """Turn a line crop upside down with probability 1/2; label "0" or "180"."""
    if rng.random() < 0.5:
        return np.ascontiguousarray(crop[::-1, ::-1]), "180"
    return crop, "0"


class _LineSource:
    """Rec/cls crops: 40% cut from freshly made scenes, 60% rendered directly."""

    def __init__(self, rng, fonts):
        self.rng, self.fonts, self.queue = rng, fonts, []

    def next(self):
        if self.rng.random() < 0.4:
            while not self.queue:
                img, labels = make_det_scene(self.rng, self.fonts)
                self.queue = scene_crops(img, labels, min_height=10)
            return self.queue.pop()
        return make_rec_line(self.rng, self.fonts)


# --- writing a dataset --------------------------------------------------------------------------

def _write_split(folder: Path, split: str, n: int, make_one: Callable, ext: str) -> None:
    lines = []
    for i in range(n):
        img, label = make_one()
        rel = f"images/{split}_{i:05d}.{ext}"
        params = [cv2.IMWRITE_JPEG_QUALITY, 90] if ext == "jpg" else [cv2.IMWRITE_PNG_COMPRESSION, 1]
        if not cv2.imwrite(str(folder / rel), img, params):
            raise DataError(f"could not write {folder / rel}; is the disk full or read-only?")
        lines.append(f"{rel}\t{label}\n")
    (folder / f"{split}.txt").write_text("".join(lines), encoding="utf-8")


def _build_task(task: str, folder: Path, counts, seed: int, fonts: FontBook) -> None:
    (folder / "images").mkdir(parents=True, exist_ok=True)
    for split_id, (split, n) in enumerate(zip(("train", "eval"), counts)):
        rng = np.random.default_rng([seed, ("det", "rec", "cls").index(task), split_id])
        if task == "det":
            def make_one():
                img, labels = make_det_scene(rng, fonts)
                return img, json.dumps(labels, ensure_ascii=False)
            _write_split(folder, split, n, make_one, "jpg")
        else:
            source = _LineSource(rng, fonts)
            make_one = source.next if task == "rec" else (lambda: make_cls_sample(rng, source.next()[0]))
            _write_split(folder, split, n, make_one, "png")


def _stamp(seed: int, sizes: dict) -> dict:
    return {"generator_version": GENERATOR_VERSION, "seed": seed,
            "sizes": {k: list(v) for k, v in sorted(sizes.items())}}


def _is_current(out_dir: Path, stamp: dict) -> bool:
    try:
        return json.loads((out_dir / ".stamp.json").read_text()) == stamp
    except (OSError, ValueError):          # missing or unreadable stamp: rebuild
        return False


@contextlib.contextmanager
def _build_lock(out_dir: Path):
    """Hold `.<name>.lock` next to `out_dir`, so two `make data` runs never build at once."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with open(out_dir.parent / f".{out_dir.name}.lock", "w") as lock:
        try:
            import fcntl
        except ImportError:                # Windows: no lock, builds are still atomic per folder
            yield
            return
        fcntl.flock(lock, fcntl.LOCK_EX)   # waits while another process builds the same folder
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def build_synthetic_dataset(out_dir, sizes: dict = DEFAULT_SIZES, seed: int = 0, force: bool = False,
                            progress: Callable[[str], None] | None = None) -> dict:
    """Generate det, rec and cls data plus dict.txt into `out_dir` (e.g. train_data/synth).

    Skipped when `out_dir/.stamp.json` shows the same generator version, seed and sizes, unless
    `force`. The data is written to a temporary folder and moved into place at the end, so an
    interrupted run never leaves a half-built dataset behind a valid stamp; a lock file makes a
    second, concurrent run wait and then find the data up to date.

    Returns:
        {"out_dir", "skipped", "seconds": {task: s}, "counts": sizes} (a report for the CLI).
    """
    out_dir = Path(out_dir)
    stamp = _stamp(seed, sizes)
    with _build_lock(out_dir):
        if not force and _is_current(out_dir, stamp):
            (progress or log.info)(f"{out_dir}: up to date (generator v{GENERATOR_VERSION}, "
                                   f"seed {seed}); skipped")
            return {"out_dir": str(out_dir), "skipped": True, "seconds": {}, "counts": sizes}
        seconds = _build(out_dir, sizes, seed, stamp, progress or log.info)
    return {"out_dir": str(out_dir), "skipped": False, "seconds": seconds, "counts": sizes}


def _build(out_dir: Path, sizes: dict, seed: int, stamp: dict, say: Callable[[str], None]) -> dict:
    """Generate into a temporary folder, then swap it in; seconds per task."""
    tmp = out_dir.with_name(f".{out_dir.name}.building")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    fonts, seconds = FontBook(), {}
    for task in ("det", "rec", "cls"):
        t0 = time.perf_counter()
        _build_task(task, tmp / task, sizes[task], seed, fonts)
        seconds[task] = time.perf_counter() - t0
        n = sum(sizes[task])
        say(f"{out_dir.name}/{task}: {n} images ({sizes[task][0]} train / {sizes[task][1]} eval) "
            f"in {seconds[task]:.1f} s, {n / max(seconds[task], 1e-9):.0f} images/s")
    (tmp / "dict.txt").write_text("".join(c + "\n" for c in charset(N_CHINESE)), encoding="utf-8")
    (tmp / ".stamp.json").write_text(json.dumps(stamp, indent=1))
    if out_dir.exists():
        shutil.rmtree(out_dir)
    os.replace(tmp, out_dir)
    return seconds


def prepare_course_data(root=None, force: bool = False, tiny_only: bool = False, seed: int = 0,
                        progress: Callable[[str], None] | None = None) -> list[dict]:
    """What `make data` runs: `<root>/synth_tiny` and (unless tiny_only) `<root>/synth`."""
    root = Path(root or default_data_root())
    reports = [build_synthetic_dataset(root / "synth_tiny", TINY_SIZES, seed + 1, force, progress)]
    if not tiny_only:
        reports.append(build_synthetic_dataset(root / "synth", DEFAULT_SIZES, seed, force, progress))
    return reports
