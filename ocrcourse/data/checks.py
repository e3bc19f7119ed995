"""One pure function per data problem that makes PaddleOCR trainings fail; each returns Findings.

`ocrcourse check-data` (ocrcourse/check_data.py) reads a config's Train and Eval label files the
way `SimpleDataSet` does (`parse_label_line`) and hands what it read to these functions. Each
function looks at plain Python data (label lines, texts, image sizes, polygons) and returns a
`Finding` — how many lines / images / boxes, the first examples as `file:line`, and the exact
fix — or None. Nothing here reads a config or touches a file, so every check is tested on a
tiny hand-made fixture (tests/data/test_checks.py).

The thresholds are module constants, printed with every report:

- IMAGE_SIDE_FACTOR: an image side more than 4x above or below the detector's limit_side_len
  (the long side for limit_type max, the short side for min) is "far" from it: a 4x shrink turns
  a 20 px line into 5 px, below what DB can find; a 4x enlargement trains on blur.
- TINY_BOX_SHARE: more than 10 % of the cared-for boxes vanish in MakeShrinkMap (bbox side below
  min_text_size, or nothing left after the DB shrink) at the scale training sees them.
- IGNORE_SHARE: more than half of the boxes labelled ### (or *): most of the set teaches nothing.
- OUTSIDE_TOLERANCE: a polygon point more than 2 px outside the image.
- SWAPPED_SHARE: at least half the lines of a file have the other task's label format.

Lesson: lessons/17_your_own_data.ipynb.
"""
from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np

from .transforms.db_targets import shrink_polygon
from .transforms.det_label_encode import IGNORE_TEXTS

__all__ = ["Finding", "LabelLine", "ImageInfo", "Box", "THRESHOLDS", "looks_like_image",
           "check_separator", "check_newline_in_text", "check_label_format", "check_swapped",
           "check_missing_chars", "check_space_char", "check_text_length", "check_unreadable",
           "check_duplicates", "check_image_size", "check_polygons_outside", "check_tiny_boxes",
           "check_ignore_share", "check_ppocrlabel_crops", "check_cls_labels", "spaced_lines",
           "broken_lines", "box_vanishes"]

IMAGE_SIDE_FACTOR = 4.0
TINY_BOX_SHARE = 0.10
IGNORE_SHARE = 0.50
OUTSIDE_TOLERANCE = 2.0
SWAPPED_SHARE = 0.50
N_EXAMPLES = 3
THRESHOLDS = {"image side vs limit_side_len": f"x{IMAGE_SIDE_FACTOR:g} above or below",
              "boxes vanishing in MakeShrinkMap": f"> {TINY_BOX_SHARE:.0%} of cared-for boxes",
              "### share": f"> {IGNORE_SHARE:.0%} of boxes",
              "polygon outside image": f"> {OUTSIDE_TOLERANCE:g} px"}

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".gif", ".webp")


@dataclass
class Finding:
    """One problem: `count` affected `unit` (lines, images, boxes), `examples` as file:line."""
    check: str
    problem: str
    count: int
    unit: str
    examples: list = field(default_factory=list)
    fix: str = ""


@dataclass
class LabelLine:
    """One non-blank line of a label file as training reads it; `error` if it would not load."""
    where: str                  # "path:line"
    file: str
    text: str                   # the decoded line, without its line ending
    image: str | None = None
    label: str | None = None
    error: str | None = None


@dataclass
class ImageInfo:
    """An image a label line names: its size (h, w) and content digest, or why it is unusable."""
    where: str
    path: str
    size: tuple | None = None
    digest: str | None = None
    problem: str | None = None   # "missing" or "not decodable"


@dataclass
class Box:
    """One det region: its polygon (P, 2), transcription and the size (h, w) of its image."""
    where: str
    points: np.ndarray
    text: str
    image_size: tuple


def looks_like_image(token: str) -> bool:
    return token.lower().endswith(IMAGE_EXTENSIONS)


def _first(items, n: int = N_EXAMPLES) -> list:
    return list(items)[:n]


def _files(lines) -> str:
    return " ".join(sorted({line.file for line in lines}))


# --- label lines ----------------------------------------------------------------------------------

def _no_delimiter(line: LabelLine, delimiter: str) -> bool:
    return line.error is not None and line.label is None and delimiter not in line.text


def spaced_lines(lines: list, delimiter: str = "\t") -> list:
    """Lines with no delimiter that start with an image path followed by spaces and a label."""
    return [ln for ln in lines if _no_delimiter(ln, delimiter) and looks_like_image(
            (ln.text.split() or [""])[0]) and len(ln.text.split(None, 1)) == 2]


def broken_lines(lines: list, delimiter: str = "\t") -> list:
    """Lines with no delimiter that do not start with an image path: the rest of a broken text."""
    return [ln for ln in lines if _no_delimiter(ln, delimiter) and not looks_like_image((ln.text.split() or [""])[0])]


def check_separator(lines: list, delimiter: str = "\t") -> Finding | None:
    """Lines that start with an image path but separate it from the label with spaces, not a tab."""
    bad = spaced_lines(lines, delimiter)
    if not bad:
        return None
    sep = "a tab" if delimiter == "\t" else repr(delimiter)
    fix = ("put one tab after the image path (lines without a tab only): sed -E -i "
           "'/\\t/!s/^([^[:space:]]+)[[:space:]]+/\\1\\t/' " if delimiter == "\t" else
           f"put {sep} after the image path in these lines: ")
    return Finding("separator", f"spaces instead of {sep} between image path and label "
                   "(training refuses such a line)", len(bad), "lines", _first(ln.where for ln in bad),
                   fix + _files(bad))


def check_newline_in_text(lines: list, delimiter: str = "\t", det_texts: list = ()) -> Finding | None:
    """A text typed with a line break: a rec line split in two (the second part has no image
    path), or a det transcription holding "\\n" (its recognition crop line will break)."""
    broken = broken_lines(lines, delimiter)
    in_json = [where for where, text in det_texts if "\n" in text or "\r" in text]
    if not broken and not in_json:
        return None
    return Finding("newline_in_text", "a text contains a line break (PPOCRLabel accepts Enter in a "
                   "box's text; the exported line breaks in two)", len(broken) + len(in_json), "lines",
                   _first([ln.where for ln in broken] + in_json),
                   "make each text one line: edit the box in PPOCRLabel and export again, or join the "
                   "broken line onto the line before it (separated by a space)")


def check_label_format(lines: list, already_reported: set = frozenset()) -> Finding | None:
    """Any other line training would refuse (not UTF-8, det label not a JSON list of regions ...)."""
    bad = [ln for ln in lines if ln.error is not None and ln.where not in already_reported]
    if not bad:
        return None
    return Finding("label_format", "lines training refuses (LabelFormatError at load time)", len(bad),
                   "lines", _first(f"{ln.where} ({ln.error[:90]})" for ln in bad),
                   "fix or delete these lines (the reason is given with each), then run check-data again")


def _is_det_label(label: str) -> bool:
    try:
        items = json.loads(label)
    except ValueError:
        return False
    return isinstance(items, list) and all(isinstance(i, dict) and "points" in i for i in items)


def check_swapped(lines: list, task: str, section: str = "Train") -> Finding | None:
    """A det config reading a rec label file, or a rec / cls config reading a det one.

    Decided per file: at least SWAPPED_SHARE of its lines carry the other task's label.
    """
    by_file = defaultdict(list)
    for ln in lines:
        if ln.label is not None:
            by_file[ln.file].append(ln)
    swapped = []
    for path, file_lines in by_file.items():
        other = [ln for ln in file_lines if _is_det_label(ln.label) != (task == "det")]
        if len(other) >= SWAPPED_SHARE * len(file_lines):
            swapped.append((path, file_lines))
    if not swapped:
        return None
    other = "rec (image<TAB>text)" if task == "det" else "det (image<TAB>JSON polygons)"
    path = swapped[0][0]
    guess = re.sub(r"([/\\])(det|rec)([/\\])", lambda m: m[1] + ("rec" if m[2] == "det" else "det") + m[3], path)
    return Finding("swapped_labels", f"this {task} config reads {other} label files", sum(
        len(f) for _, f in swapped), "lines", _first(f[0].where for _, f in swapped),
        f"point {section}.dataset.label_file_list (and data_dir) at the {task} label file, e.g. "
        f"-o {section}.dataset.label_file_list=[{guess if guess != path else 'YOUR_' + task.upper() + '_LABELS.txt'}]")


# --- texts (recognition) --------------------------------------------------------------------------

def check_missing_chars(texts: list, charset: set, dict_path: str | None, lower: bool = False) -> Finding | None:
    """Characters absent from the dictionary: CTCLabelEncode skips them silently (a text with
    none left is dropped), so the model never learns them. The space is `check_space_char`'s."""
    missing, where = Counter(), []
    for w, text in texts:
        chars = {c for c in (text.lower() if lower else text) if c not in charset and c != " "}
        if chars:
            missing.update(c for c in (text.lower() if lower else text) if c in chars)
            where.append(f"{w} ({''.join(sorted(chars))!r})")
    if not where:
        return None
    top = "".join(c for c, _ in missing.most_common(20))
    target = dict_path or "a dictionary file (character_dict_path is unset: only 0-9a-z)"
    fix = (f"add them to the dictionary, one per line: python -c \"import sys; open(sys.argv[1], 'a', "
           f"encoding='utf-8').write(''.join(c + chr(10) for c in sys.argv[2]))\" {target} {top!r}"
           if dict_path else f"set -o Global.character_dict_path=DICT with a file that has them")
    return Finding("missing_chars", f"characters not in the dictionary: {top!r} (skipped silently in "
                   "training)", len(where), "lines", _first(where), fix
                   + " (a new dictionary changes the head's size: fine-tune with a re-indexed head, "
                   "`ocrcourse adapt-rec`)")


def check_space_char(texts: list, charset: set) -> Finding | None:
    """Texts with spaces but a dictionary without " " (use_space_char false): spaces are dropped."""
    if " " in charset:
        return None
    spaced = [w for w, text in texts if " " in text]
    if not spaced:
        return None
    return Finding("space_char", "texts contain spaces but the dictionary has no space character",
                   len(spaced), "lines", _first(spaced), "-o Global.use_space_char=true")


def check_text_length(texts: list, max_text_length: int, keep_below: int | None = None) -> Finding | None:
    """Texts training drops as too long: CTC keeps len <= max_text_length; a SAR branch
    (MultiLabelEncode) also drops len >= max_text_length - 1, `keep_below` being its max_text_length."""
    limit = max_text_length if keep_below is None else min(max_text_length, keep_below - 2)
    long = [(w, len(t)) for w, t in texts if len(t) > limit]
    if not long:
        return None
    longest = max(n for _, n in long)
    need = longest if keep_below is None else longest + 2
    return Finding("text_length", f"texts longer than {limit} characters (max_text_length "
                   f"{max_text_length}) are dropped in training", len(long), "lines",
                   _first(f"{w} ({n} chars)" for w, n in long),
                   f"-o Global.max_text_length={need} (the CTC head reads at most ~width/8 characters: "
                   "cut very long lines into shorter crops instead)")


# --- images ---------------------------------------------------------------------------------------

def check_unreadable(images: list, data_dir: str) -> Finding | None:
    """Images that are missing or cannot be decoded: training skips them and draws another."""
    bad = [im for im in images if im.problem]
    if not bad:
        return None
    kinds = Counter(im.problem for im in bad)
    bom = any("\ufeff" in im.path for im in bad)     # Windows Notepad's UTF-8 BOM glued to the first path
    return Finding("unreadable_images", "images training cannot read: " + ", ".join(
        f"{n} {k}" for k, n in kinds.items()), len(bad), "images",
        _first(f"{im.where} ({im.path!r})" for im in bad),
        f"image paths are relative to data_dir={data_dir}: fix the path or data_dir, re-save broken "
        "files (e.g. with an image editor or cv2.imwrite), or delete their lines"
        + ("; a path starts with '\\ufeff' (a BOM): save the label file as UTF-8 without BOM" if bom else ""))


def check_duplicates(train: list, evaluation: list) -> Finding | None:
    """Eval images whose bytes equal a Train image's: the score then measures memory."""
    seen = {im.digest: im for im in train if im.digest}
    dups = [(im, seen[im.digest]) for im in evaluation if im.digest in seen]
    if not dups:
        return None
    return Finding("duplicates", "the same image is in Train and Eval (the Eval score is inflated)",
                   len(dups), "images", _first(f"{e.where} = {t.where}" for e, t in dups),
                   "delete these lines from the Eval label file (or split by photo: "
                   "data_scripts/split_ppocrlabel.py)")


def check_image_size(images: list, limit_side_len: int, limit_type: str, key: str | None) -> list:
    """Images far (IMAGE_SIDE_FACTOR) from the detector's limit_side_len, as DetResizeForTest sees
    them: with "max" (and "resize_long") a long side above 4 x the limit is shrunk more than 4x;
    with "min" (and "resize_long") a short (long) side below 1/4 of it is enlarged more than 4x;
    with "max" such a small image is left as it is, its text as small as it is.

    `key` is the config key of that limit (Eval's DetResizeForTest), None for the inference default.
    """
    def change(value: int) -> str:
        flag = f"--det_limit_side_len {value} at inference"
        return f"-o {key}={value} (and {flag})" if key else flag

    side_name = "short" if limit_type == "min" else "long"
    sides = [(im, (min if limit_type == "min" else max)(im.size)) for im in images if im.size]
    big = [(im, s) for im, s in sides if s > IMAGE_SIDE_FACTOR * limit_side_len and limit_type != "min"]
    small = [(im, s) for im, s in sides if s * IMAGE_SIDE_FACTOR < limit_side_len]
    out = []
    if big:
        out.append(Finding("image_size", f"long side more than x{IMAGE_SIDE_FACTOR:g} the limit_side_len "
                           f"{limit_side_len} ({limit_type}): shrunk that much, small text vanishes",
                           len(big), "images", _first(f"{im.where} ({s} px)" for im, s in big),
                           f"downscale the photos (long side about 2 x {limit_side_len}), or raise "
                           + change(int(limit_side_len * 2))))
    if small:
        what = ("left that small (max never enlarges): its text may be too small to find"
                if limit_type == "max" else "enlarged that much: blurred")
        out.append(Finding("image_size", f"{side_name} side less than 1/{IMAGE_SIDE_FACTOR:g} of the "
                           f"limit_side_len {limit_side_len} ({limit_type}): {what}", len(small), "images",
                           _first(f"{im.where} ({s} px)" for im, s in small),
                           "use larger photos, or lower " + change(max(32, int(limit_side_len / 2)))))
    return out


# --- det boxes ------------------------------------------------------------------------------------

def check_polygons_outside(boxes: list) -> Finding | None:
    """Polygons with a point more than OUTSIDE_TOLERANCE px outside their image."""
    bad = []
    for b in boxes:
        h, w = b.image_size
        p = b.points
        if (p[:, 0] < -OUTSIDE_TOLERANCE).any() or (p[:, 1] < -OUTSIDE_TOLERANCE).any() or \
                (p[:, 0] > w + OUTSIDE_TOLERANCE).any() or (p[:, 1] > h + OUTSIDE_TOLERANCE).any():
            bad.append(b)
    if not bad:
        return None
    return Finding("polygons_outside", "polygon points outside the image (x and y swapped, or labels "
                   "of a resized copy?)", len(bad), "boxes",
                   _first(f"{b.where} ({b.text[:12]!r}, image {b.image_size[1]}x{b.image_size[0]})" for b in bad),
                   "relabel these boxes (PPOCRLabel) or clip x to [0, width] and y to [0, height]")


def box_vanishes(points: np.ndarray, scale: float, min_text_size: float, shrink_ratio: float) -> bool:
    """True if MakeShrinkMap ignores this polygon at `scale`: bbox side < min_text_size or the
    DB shrink (D = A(1 - r^2) / L) leaves nothing."""
    p = np.asarray(points, dtype=np.float64) * scale
    if (p.max(axis=0) - p.min(axis=0)).min() < min_text_size:
        return True
    return not shrink_polygon(p, shrink_ratio)


def check_tiny_boxes(boxes: list, scale_of, min_text_size: float, shrink_ratio: float, key: str) -> Finding | None:
    """More than TINY_BOX_SHARE of the cared-for boxes vanish in MakeShrinkMap.

    `scale_of(image_size)` is the zoom training applies (see check_data: EastRandomCropData's
    scale when it keeps the whole image, the smallest of its crops).
    """
    cared = [b for b in boxes if b.text not in IGNORE_TEXTS]
    gone = [b for b in cared if box_vanishes(b.points, scale_of(b.image_size), min_text_size, shrink_ratio)]
    if not cared or len(gone) <= TINY_BOX_SHARE * len(cared):
        return None
    return Finding("tiny_boxes", f"{len(gone)} of {len(cared)} boxes vanish in MakeShrinkMap "
                   f"(min_text_size {min_text_size:g}) when the whole image is fitted into the training "
                   "crop (its smallest zoom): such boxes teach nothing",
                   len(gone), "boxes", _first(f"{b.where} ({b.text[:12]!r})" for b in gone),
                   f"lower -o {key}.min_text_size={max(1, int(min_text_size // 2))}, crop or photograph closer "
                   "(or a larger EastRandomCropData.size), or label such lines ###")


def check_ignore_share(boxes: list) -> Finding | None:
    """More than IGNORE_SHARE of all boxes are ### / *: DB ignores them in loss and metric."""
    ignored = [b for b in boxes if b.text in IGNORE_TEXTS]
    if not boxes or len(ignored) <= IGNORE_SHARE * len(boxes):
        return None
    return Finding("ignore_share", f"{len(ignored)} of {len(boxes)} boxes are ### (ignored by loss and "
                   "metric)", len(ignored), "boxes", _first(b.where for b in ignored),
                   "type the texts of readable lines in PPOCRLabel (### only for illegible ones); "
                   "PPOCRLabel's 'difficult' flag does not make a box ###")


# --- PPOCRLabel export folders --------------------------------------------------------------------

def check_ppocrlabel_crops(regions: dict, crops: dict, label_file: str) -> Finding | None:
    """Images of a PPOCRLabel folder with fewer recognition crops than readable boxes.

    regions: image stem -> (where, number of boxes not labelled ###) from Label.txt;
    crops: image stem -> number of lines in rec_gt.txt (crops are named <stem>_crop_<k>).
    """
    short = [(where, n, crops.get(stem, 0)) for stem, (where, n) in regions.items() if crops.get(stem, 0) < n]
    if not short:
        return None
    return Finding("ppocrlabel_crops", "fewer recognition crops than labelled boxes (rec_gt.txt was "
                   "exported before these images were confirmed)", len(short), "images",
                   _first(f"{w} ({c} crops for {n} boxes)" for w, n, c in short),
                   f"in PPOCRLabel confirm every image of {label_file}'s folder, then File > Export "
                   "Recognition Result again")


# --- direction classifier -------------------------------------------------------------------------

def check_cls_labels(lines: list, label_list: list) -> Finding | None:
    """Labels not in Global.label_list: ClsLabelEncode drops those samples."""
    bad = [ln for ln in lines if ln.label is not None and ln.error is None and ln.label.strip() not in label_list]
    if not bad:
        return None
    seen = sorted({ln.label.strip() for ln in bad})[:5]
    return Finding("cls_labels", f"labels {seen} are not in Global.label_list {list(label_list)} "
                   "(such samples are dropped)", len(bad), "lines", _first(ln.where for ln in bad),
                   "write the angle as in label_list (e.g. 0 or 180), or set -o Global.label_list=[...]")
