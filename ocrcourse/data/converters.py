"""Bring other datasets into PaddleOCR's label formats: ICDAR2015, PPOCRLabel exports, MMOCR JSON.

PaddleOCR trains from plain label files, one image per line:

    det:  path/to/img.jpg\\t[{"transcription": "text", "points": [[x, y], [x, y], [x, y], [x, y]]}, ...]
    rec:  path/to/crop.jpg\\ttext

(`"###"` marks a region too hard to read: DB ignores it in the loss and DetMetric in the score.)

Every converter here
- refuses to overwrite existing output unless `force=True` (a learner's hand-made labels are precious),
- validates what it wrote by reading it back (`validate_det_label_file` / `validate_rec_label_file`),
  so a broken conversion fails at once, not in the middle of training,
- and returns a small report dict the scripts in `data_scripts/` print.

Lesson: lessons/17_your_own_data.ipynb.
"""
from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path

from ..errors import DataError, LabelFormatError

__all__ = ["parse_icdar2015_gt", "convert_icdar2015", "split_ppocrlabel", "convert_mmocr",
           "validate_det_label_file", "validate_rec_label_file", "split_counts"]


# --- reading back what we write -----------------------------------------------------------------

def _check_free(paths, force: bool) -> None:
    existing = [str(p) for p in paths if Path(p).exists()]
    if existing and not force:
        raise DataError(f"output already exists: {', '.join(existing)}; choose another output "
                        "folder or pass --force (force=True) to overwrite it")


def validate_det_label_file(path, data_dir=None) -> int:
    """Check every line of a PaddleOCR det label file; return the number of lines.

    Each line must be `image\\tJSON list` where every item has a `transcription` string and
    `points`, a list of at least 3 [x, y] number pairs. With `data_dir`, every image must exist.
    Raises `LabelFormatError` naming file and line.
    """
    n = 0
    for line_no, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        parts = line.split("\t")
        if len(parts) != 2:
            raise LabelFormatError(path, line_no, "expected `image<TAB>json`", line)
        try:
            items = json.loads(parts[1])
        except ValueError as e:
            raise LabelFormatError(path, line_no, f"label is not JSON ({e})", line) from e
        if not isinstance(items, list):
            raise LabelFormatError(path, line_no, "label must be a JSON list", line)
        for item in items:
            pts = item.get("points") if isinstance(item, dict) else None
            ok = (isinstance(pts, list) and len(pts) >= 3
                  and all(isinstance(p, list) and len(p) == 2 and all(isinstance(v, (int, float)) for v in p)
                          for p in pts))
            if not ok or not isinstance(item.get("transcription"), str):
                raise LabelFormatError(path, line_no, "each region needs a 'transcription' string "
                                       "and 'points' = [[x, y], ...] (3 or more)", line)
        if data_dir is not None and not (Path(data_dir) / parts[0]).is_file():
            raise LabelFormatError(path, line_no, f"image {parts[0]} not found under {data_dir}", line)
        n += 1
    return n


def validate_rec_label_file(path, data_dir=None) -> int:
    """Check every line of a PaddleOCR rec label file (`image\\ttext`); return the line count."""
    n = 0
    for line_no, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        parts = line.split("\t")
        if len(parts) != 2 or not parts[0] or not parts[1]:
            raise LabelFormatError(path, line_no, "expected `image<TAB>text` with non-empty text", line)
        if data_dir is not None and not (Path(data_dir) / parts[0]).is_file():
            raise LabelFormatError(path, line_no, f"image {parts[0]} not found under {data_dir}", line)
        n += 1
    return n


def _det_line(image: str, regions: list) -> str:
    return f"{image}\t{json.dumps(regions, ensure_ascii=False)}\n"


# --- ICDAR2015 ----------------------------------------------------------------------------------

def parse_icdar2015_gt(path) -> list[dict]:
    """Regions of one ICDAR2015 `gt_img_N.txt`: `x1,y1,...,x4,y4,transcription` per line.

    The files start with a UTF-8 byte-order mark (read with utf-8-sig); the transcription may
    itself contain commas, so only the first eight commas split; `###` (illegible) is kept.
    """
    regions = []
    for line_no, line in enumerate(Path(path).read_text(encoding="utf-8-sig").splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        parts = line.split(",", 8)
        try:
            coords = [int(float(v)) for v in parts[:8]]
        except ValueError as e:
            raise LabelFormatError(path, line_no, "expected 8 integer coordinates first", line) from e
        if len(parts) != 9:
            raise LabelFormatError(path, line_no, "expected x1,y1,x2,y2,x3,y3,x4,y4,transcription", line)
        points = [coords[i:i + 2] for i in range(0, 8, 2)]
        regions.append({"transcription": parts[8], "points": points})
    return regions


def convert_icdar2015(gt_dir, out_file, image_prefix: str = "", image_dir=None,
                      force: bool = False) -> dict:
    """ICDAR2015 ground truth (`gt_img_N.txt` files) -> one PaddleOCR det label file.

    Args:
        gt_dir: folder of `gt_img_N.txt`.
        out_file: label file to write, e.g. train_data/icdar2015/train_icdar2015_label.txt.
        image_prefix: prepended to `img_N.jpg`, the image path relative to the config's
            `data_dir` (PaddleOCR's own files use `icdar_c4_train_imgs/`).
        image_dir: if given, every image must exist there (a missing one raises `DataError`).
        force: overwrite `out_file`.
    """
    gt_files = sorted(Path(gt_dir).glob("gt_*.txt"), key=lambda p: _natural_key(p.name))
    if not gt_files:
        raise DataError(f"no gt_*.txt files in {gt_dir}; point --gt-dir at the unzipped "
                        "ch4_training_localization_transcription_gt folder")
    _check_free([out_file], force)
    lines, n_regions, n_ignored = [], 0, 0
    for gt in gt_files:
        image = gt.stem[len("gt_"):] + ".jpg"
        if image_dir is not None and not (Path(image_dir) / image).is_file():
            raise DataError(f"{gt.name} has no image {image} in {image_dir}")
        regions = parse_icdar2015_gt(gt)
        n_regions += len(regions)
        n_ignored += sum(r["transcription"] == "###" for r in regions)
        lines.append(_det_line(image_prefix + image, regions))
    Path(out_file).parent.mkdir(parents=True, exist_ok=True)
    Path(out_file).write_text("".join(lines), encoding="utf-8")
    written = validate_det_label_file(out_file)
    return {"out_file": str(out_file), "images": written, "regions": n_regions, "ignored": n_ignored}


def _natural_key(name: str):
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name)]


# --- PPOCRLabel exports -------------------------------------------------------------------------

def split_counts(n: int, ratio=(6, 2, 2)) -> tuple[int, int, int]:
    """(train, val, test) sizes for n items: cumulative floors, so they always sum to n."""
    total = float(sum(ratio))
    n_train = int(n * ratio[0] / total)
    n_val = int(n * (ratio[0] + ratio[1]) / total) - n_train
    return n_train, n_val, n - n_train - n_val


def _read_pairs(path) -> list[tuple[int, str, str]]:
    """(line number, image, label) of every non-empty line of a `image<TAB>label` file."""
    pairs = []
    for line_no, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != 2:
            raise LabelFormatError(path, line_no, "expected `image<TAB>label`", line)
        pairs.append((line_no, parts[0], parts[1]))
    return pairs


def _unique_name(name: str, folder: str, used: set) -> str:
    """`name`, or `<folder>_<name>` if another labelled folder already gave an image that name."""
    out = name if name not in used else f"{folder}_{name}"
    if out in used:
        raise DataError(f"two images would both be called {out}; rename one of them")
    used.add(out)
    return out


def _collect_ppocrlabel(dataset_dirs, det_label: str, rec_label: str, crop_dir: str):
    """Det and rec items (source path, output name, label, (folder, image stem)) of all folders."""
    det, rec, det_used, rec_used = [], [], set(), set()
    for folder in map(Path, dataset_dirs):
        label_file = folder / det_label
        if not label_file.is_file():
            raise DataError(f"{label_file} not found: export the labels in PPOCRLabel first "
                            "(File > Export Label, and Export Recognition Result for rec_gt.txt)")
        for line_no, image, label in _read_pairs(label_file):
            try:
                json.loads(label)
            except ValueError as e:
                raise LabelFormatError(label_file, line_no, f"label is not JSON ({e})", label) from e
            src = folder / Path(image).name
            if not src.is_file():
                raise DataError(f"{label_file} lists {image}, but {src} does not exist")
            det.append((src, _unique_name(src.name, folder.name, det_used), label, (folder, src.stem)))
        if (folder / rec_label).is_file():
            for _, image, text in _read_pairs(folder / rec_label):
                src = folder / crop_dir / Path(image).name
                if not src.is_file():
                    raise DataError(f"{folder / rec_label} lists {image}, but {src} does not exist")
                stem = re.sub(r"_crop_\d+$", "", src.stem)       # PPOCRLabel names crops <image>_crop_<k>
                rec.append((src, _unique_name(src.name, folder.name, rec_used), text, (folder, stem)))
    return det, rec


def split_ppocrlabel(dataset_dirs, out_dir, ratio=(6, 2, 2), seed: int = 0, det_label: str = "Label.txt",
                     rec_label: str = "rec_gt.txt", crop_dir: str = "crop_img", force: bool = False) -> dict:
    """Split PPOCRLabel exports into train / val / test folders with PaddleOCR label files.

    Writes `out_dir/det/{train,val,test}/` (images) + `out_dir/det/{train,val,test}.txt` and the same
    under `out_dir/rec/` from `rec_gt.txt` and `crop_img/`. Paths in the label files are relative
    to `out_dir/det` (or `rec`), so a config sets `data_dir: <out_dir>/det/`.

    The det images are shuffled with `seed` and cut by `ratio` (cumulative floors: every image
    lands in exactly one split). On purpose unlike PaddleOCR's `gen_ocr_train_val_test.py`, a rec
    crop follows the split of the image it was cut from (PPOCRLabel names it
    `<image>_crop_<k>`), so no test line has been seen, as part of its photo, in training; crops
    of unknown origin are split by the same ratio.
    """
    det, rec = _collect_ppocrlabel(dataset_dirs, det_label, rec_label, crop_dir)
    if not det:
        raise DataError(f"no labelled images in {list(map(str, dataset_dirs))}")
    out_dir = Path(out_dir)
    _check_free([out_dir / "det", out_dir / "rec"], force)
    rng = random.Random(seed)
    order = list(range(len(det)))
    rng.shuffle(order)
    splits = ("train", "val", "test")
    counts = split_counts(len(det), ratio)
    split_of = {}
    for rank, i in enumerate(order):
        split_of[i] = splits[0] if rank < counts[0] else splits[1] if rank < counts[0] + counts[1] else splits[2]
    stem_split = {det[i][3]: s for i, s in split_of.items()}
    orphans = [j for j, item in enumerate(rec) if item[3] not in stem_split]
    rng.shuffle(orphans)
    oc = split_counts(len(orphans), ratio)
    orphan_split = {j: splits[0] if r < oc[0] else splits[1] if r < oc[0] + oc[1] else splits[2]
                    for r, j in enumerate(orphans)}
    report = {}
    for task, items, which in (("det", det, lambda i: split_of[i]),
                               ("rec", rec, lambda j: stem_split.get(rec[j][3]) or orphan_split[j])):
        task_dir = out_dir / task
        if task_dir.exists():
            shutil.rmtree(task_dir)
        lines = {s: [] for s in splits}
        for s in splits:
            (task_dir / s).mkdir(parents=True)
        for k, (src, name, label, _) in enumerate(items):
            s = which(k)
            shutil.copy2(src, task_dir / s / name)
            lines[s].append(f"{s}/{name}\t{label}\n")
        for s in splits:
            (task_dir / f"{s}.txt").write_text("".join(lines[s]), encoding="utf-8")
        check = validate_det_label_file if task == "det" else validate_rec_label_file
        report[task] = {s: check(task_dir / f"{s}.txt", task_dir) for s in splits}
        if sum(report[task].values()) != len(items):
            raise DataError(f"{task}: wrote {sum(report[task].values())} lines for {len(items)} images")
    return {"out_dir": str(out_dir), **report}


# --- MMOCR JSON -----------------------------------------------------------------------------------

def _mmocr_points(inst: dict, where: str) -> list:
    flat = inst.get("polygon")
    if flat is None and "bbox" in inst:                      # x1, y1, x2, y2 -> rectangle
        x1, y1, x2, y2 = inst["bbox"]
        flat = [x1, y1, x2, y1, x2, y2, x1, y2]
    if not flat or len(flat) % 2 or len(flat) < 6:
        raise DataError(f"{where}: an instance needs 'polygon' [x1, y1, x2, y2, ...] (3+ points) or 'bbox'")
    num = lambda v: int(v) if float(v).is_integer() else round(float(v), 2)   # 12.0 -> 12
    return [[num(flat[i]), num(flat[i + 1])] for i in range(0, len(flat), 2)]


def convert_mmocr(json_file, out_file, task: str | None = None, image_prefix: str = "",
                  force: bool = False) -> dict:
    """MMOCR 1.x annotation JSON (`{"metainfo": ..., "data_list": [...]}`) -> PaddleOCR labels.

    textdet: each `data_list` entry has `img_path` and `instances` with `polygon` (flat list) or
    `bbox`, `text` and `ignore`; ignored instances become `###`. textrecog: each entry has
    `img_path` and one instance with `text`. `task` ("textdet" / "textrecog") defaults to
    `metainfo.task_name`.
    """
    try:
        data = json.loads(Path(json_file).read_text(encoding="utf-8"))
    except ValueError as e:
        raise DataError(f"{json_file} is not valid JSON: {e}") from e
    if not isinstance(data, dict) or not isinstance(data.get("data_list"), list):
        raise DataError(f"{json_file}: expected MMOCR 1.x format, a dict with a 'data_list' list")
    task = task or data.get("metainfo", {}).get("task_name")
    if task not in ("textdet", "textrecog"):
        raise DataError(f"{json_file}: unknown task {task!r}; pass task='textdet' or 'textrecog'")
    _check_free([out_file], force)
    lines = []
    for k, entry in enumerate(data["data_list"]):
        where = f"{json_file}: data_list[{k}]"
        if "img_path" not in entry:
            raise DataError(f"{where} has no 'img_path'")
        image = image_prefix + entry["img_path"]
        instances = entry.get("instances", [])
        if task == "textdet":
            regions = [{"transcription": "###" if inst.get("ignore") else str(inst.get("text", "")),
                        "points": _mmocr_points(inst, where)} for inst in instances]
            lines.append(_det_line(image, regions))
        else:
            if len(instances) != 1 or not instances[0].get("text"):
                raise DataError(f"{where}: a textrecog entry needs exactly one instance with 'text'")
            text = instances[0]["text"]
            if "\t" in text or "\n" in text:
                raise DataError(f"{where}: text contains a tab or newline, which the label format cannot hold")
            lines.append(f"{image}\t{text}\n")
    Path(out_file).parent.mkdir(parents=True, exist_ok=True)
    Path(out_file).write_text("".join(lines), encoding="utf-8")
    check = validate_det_label_file if task == "textdet" else validate_rec_label_file
    return {"out_file": str(out_file), "task": task, "lines": check(out_file)}
