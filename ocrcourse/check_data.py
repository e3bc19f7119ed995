"""`ocrcourse check-data`: check a learner's own dataset and config before training.

Most failed fine-tunings (hmean stuck at 0, accuracy 0, gibberish) come from the data and the
config, not the model. `check_data(cfg)` reads the Train and Eval sections the way training will
— the same label ops (`create_operators`), the same line parser as `SimpleDataSet`
(`parse_label_line`), the same image decoder (the section's `DecodeImage`) — and runs the checks
of `ocrcourse.data.checks` plus two about the machine (loader workers / shared memory, and an LR
tuned for more cards than you have). It never modifies anything. `format_report` prints one table:
per problem, how many lines / images / boxes, the first examples (file:line) and the exact fix.

The LR rule, stated once: PaddleOCR's configs are tuned for 8 cards (its fine-tuning guide,
docs "finetune": total batch 8 x batch_size_per_card; scale the learning rate linearly with the
total batch). A config names its origin in its header (`Official recipe: PaddleOCR configs/X.yml`,
as every config of this course does) or has an official file name; OFFICIAL_RECIPES holds those
recipes' LR and batch. If the config's LR is still the recipe's value but your total batch
(cards x batch_size_per_card) is smaller than the recipe's, the finding gives
lr x your total / recipe total. With no known origin, `Global.distributed: true` on one card
is reported with the same rule (assuming the recipe's own batch on 8 cards). An LR you changed
yourself is your decision and is not reported.

Lesson: lessons/17_your_own_data.ipynb.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .data import checks as C
from .data.checks import Finding, ImageInfo, LabelLine
from .errors import ConfigError, DataError, LabelFormatError

__all__ = ["CHECK_NAMES", "OFFICIAL_RECIPES", "OFFICIAL_CARDS", "Report", "check_data", "check_loader", "check_lr",
           "check_ppocrlabel_folder", "read_label_lines", "format_report"]

OFFICIAL_CARDS = 8
# PaddleOCR config -> (learning rate, or Piecewise values[0]; batch_size_per_card), for 8 cards.
OFFICIAL_RECIPES = {
    "configs/det/ch_PP-OCRv3/ch_PP-OCRv3_det_student.yml": (0.001, 8),
    "configs/det/ch_PP-OCRv3/ch_PP-OCRv3_det_cml.yml": (0.001, 8),
    "configs/det/ch_PP-OCRv3/ch_PP-OCRv3_det_dml.yml": (0.001, 8),
    "configs/det/ch_PP-OCRv2/ch_PP-OCRv2_det_student.yml": (0.001, 8),
    "configs/det/ch_PP-OCRv2/ch_PP-OCRv2_det_cml.yml": (0.001, 8),
    "configs/det/ch_ppocr_v2.0/ch_det_mv3_db_v2.0.yml": (0.001, 8),
    "configs/det/ch_ppocr_v2.0/ch_det_res18_db_v2.0.yml": (0.001, 8),
    "configs/rec/PP-OCRv3/ch_PP-OCRv3_rec.yml": (0.001, 128),
    "configs/rec/PP-OCRv3/ch_PP-OCRv3_rec_distillation.yml": (0.0005, 128),
    "configs/rec/ch_PP-OCRv2/ch_PP-OCRv2_rec.yml": (0.001, 128),
    "configs/rec/ch_PP-OCRv2/ch_PP-OCRv2_rec_distillation.yml": (0.001, 128),
    "configs/rec/ch_PP-OCRv2/ch_PP-OCRv2_rec_enhanced_ctc_loss.yml": (0.001, 128),
    "configs/rec/ch_ppocr_v2.0/rec_chinese_lite_train_v2.0.yml": (0.001, 256),
    "configs/cls/cls_mv3.yml": (0.001, 512),
}
# every check by the name its findings carry (what --skip takes), in the order they run
CHECK_NAMES = ("swapped_labels", "separator", "newline_in_text", "label_format", "unreadable_images",
               "missing_chars", "space_char", "text_length", "polygons_outside", "ignore_share",
               "tiny_boxes", "cls_labels", "duplicates", "image_size", "loader_workers", "shared_memory",
               "lr_for_cards", "ppocrlabel_crops")
_ORIGIN = re.compile(r"Official recipe: PaddleOCR (configs/\S+?\.yml)")
_REC_ENCODERS = ("CTCLabelEncode", "MultiLabelEncode", "SARLabelEncode")


@dataclass
class Report:
    """What `check_data` found; `ok` is True when there is no finding."""
    findings: list = field(default_factory=list)
    summary: list = field(default_factory=list)      # one line per section read
    skipped: list = field(default_factory=list)
    tasks: set = field(default_factory=set)          # det / rec / cls sections read

    @property
    def ok(self) -> bool:
        return not self.findings


# --- reading what training reads -------------------------------------------------------------------

def read_label_lines(files, delimiter: str = "\t", label_checks=()) -> list:
    """Every non-blank line of the label files as a LabelLine, parsed by `parse_label_line`."""
    from .data.dataset import parse_label_line

    lines = []
    for path in files:
        if not os.path.isfile(path):
            raise DataError(f"label file {path} does not exist; fix label_file_list in the config")
        with open(path, "rb") as f:
            raw_lines = [(n, raw) for n, raw in enumerate(f, start=1) if raw.strip()]
        for n, raw in raw_lines:
            text = raw.decode("utf-8", errors="replace").rstrip("\r\n")
            line = LabelLine(f"{path}:{n}", str(path), text)
            try:
                line.image, line.label, _ = parse_label_line(str(path), n, raw, delimiter, label_checks)
            except LabelFormatError as exc:
                line.error = exc.reason
                try:                                  # keep image and label if only the label check failed
                    line.image, line.label, _ = parse_label_line(str(path), n, raw, delimiter, ())
                except LabelFormatError:
                    pass
            lines.append(line)
    return lines


def _names(image: str) -> list:
    """The image path(s) of a label line: SimpleDataSet also accepts a JSON list of paths."""
    if image.startswith("["):
        try:
            names = json.loads(image)
            if isinstance(names, list) and names and all(isinstance(x, str) for x in names):
                return names
        except ValueError:
            pass
    return [image]


def read_images(lines: list, data_dir: str, decode=None) -> list:
    """One ImageInfo per distinct image path, decoded with the section's own DecodeImage
    (a default DecodeImage if the transforms have none)."""
    from .data.transforms.decode import DecodeImage

    decode = decode or DecodeImage(img_mode="BGR")
    images, seen = [], set()
    for ln in lines:
        for name in _names(ln.image) if ln.image is not None else []:
            if name not in seen:
                seen.add(name)
                images.append(_read_image(ln.where, os.path.join(data_dir, name), decode))
    return images


def _read_image(where: str, path: str, decode) -> ImageInfo:
    info = ImageInfo(where, path)
    try:
        raw = Path(path).read_bytes()
    except OSError:
        info.problem = "missing"
        return info
    data = decode({"image": raw, "img_path": path})
    if data is None or getattr(data.get("image"), "ndim", 0) < 2:
        info.problem = "not decodable"
    else:
        info.size = tuple(int(v) for v in data["image"].shape[:2])
        info.digest = hashlib.md5(raw).hexdigest()
    return info


def _op_index(ops, name: str):
    return next(((k, op) for k, op in enumerate(ops) if type(op).__name__ == name), (None, None))


def _task(ops) -> str | None:
    names = {type(op).__name__ for op in ops}
    if "DetLabelEncode" in names:
        return "det"
    if names & set(_REC_ENCODERS):
        return "rec"
    if "ClsLabelEncode" in names:
        return "cls"
    return None


def _rec_encoder(ops):
    for name in _REC_ENCODERS:
        _, op = _op_index(ops, name)
        if op is not None:
            return op
    return None


# --- one section ------------------------------------------------------------------------------------

def _read_section(cfg: dict, section: str) -> dict | None:
    from .data.operators import create_operators

    if section not in cfg or "dataset" not in cfg[section]:
        return None
    ds = cfg[section]["dataset"]
    ops = create_operators(ds.get("transforms") or [], cfg.get("Global"))
    files = ds.get("label_file_list") or []
    files = [files] if isinstance(files, str) else list(files)
    delimiter = ds.get("delimiter", "\t")
    label_checks = [op.check_label for op in ops if hasattr(op, "check_label")]
    lines = read_label_lines(files, delimiter, label_checks)
    _, decode = _op_index(ops, "DecodeImage")
    data_dir = ds.get("data_dir", "")
    return {"section": section, "ops": ops, "task": _task(ops), "lines": lines, "delimiter": delimiter,
            "data_dir": data_dir, "images": read_images(lines, data_dir, decode)}


def _texts(sec: dict, excluded: set) -> list:
    return [(ln.where, ln.label) for ln in sec["lines"]
            if ln.label is not None and ln.error is None and ln.file not in excluded]


def _boxes(sec: dict, excluded: set) -> list:
    from .data.transforms.det_label_encode import parse_det_label

    size_of = {im.path: im.size for im in sec["images"]}
    boxes = []
    for ln in sec["lines"]:
        if ln.error is not None or ln.label is None or ln.file in excluded:
            continue
        size = size_of.get(os.path.join(sec["data_dir"], _names(ln.image)[0]))
        if size:                                   # unreadable images are check_unreadable's
            boxes += [C.Box(ln.where, np.asarray(item["points"], dtype=float), str(item["transcription"]), size)
                      for item in parse_det_label(ln.label)]
    return boxes


def _sections_findings(cfg: dict, sections: list) -> list:
    """The label-line, image and text checks over Train and Eval together (one finding per problem)."""
    found, excluded = [], set()
    for s in sections:
        swapped = C.check_swapped(s["lines"], s["task"], s["section"]) if s["task"] else None
        if swapped:
            found.append(swapped)
            excluded |= {ln.file for ln in s["lines"]}
    lines = list({ln.where: ln for s in sections for ln in s["lines"]}.values())
    delimiter = sections[0]["delimiter"]
    boxes = {s["section"]: _boxes(s, excluded) if s["task"] == "det" else [] for s in sections}
    det_texts = [(b.where, b.text) for section_boxes in boxes.values() for b in section_boxes]
    reported = {ln.where for ln in C.spaced_lines(lines, delimiter) + C.broken_lines(lines, delimiter)}
    found += [C.check_separator(lines, delimiter), C.check_newline_in_text(lines, delimiter, det_texts),
              C.check_label_format([ln for ln in lines if ln.file not in excluded], reported)]
    images = list({im.path: im for s in sections for im in s["images"]}.values())
    found.append(C.check_unreadable(images, ", ".join(dict.fromkeys(s["data_dir"] for s in sections))))
    rec = [s for s in sections if s["task"] == "rec"]
    if rec:
        found += _rec_findings(cfg, rec, excluded)
    found.append(C.check_polygons_outside([b for section_boxes in boxes.values() for b in section_boxes]))
    for s in sections:
        if s["task"] == "det" and s["section"] == "Train":
            found += _det_train_findings(s, boxes["Train"])
        _, cls = _op_index(s["ops"], "ClsLabelEncode")
        if cls is not None:
            found.append(C.check_cls_labels([ln for ln in s["lines"] if ln.file not in excluded], cls.label_list))
    return [f for f in found if f]


def _rec_findings(cfg: dict, sections: list, excluded: set) -> list:
    from .data.transforms.multi_label_encode import MultiLabelEncode

    op = _rec_encoder(sections[0]["ops"])
    ctc = op.ctc_encode if isinstance(op, MultiLabelEncode) else op
    charset = set(ctc.dict) - ({"blank"} if "blank" in getattr(ctc, "character", [])[:1] else set())
    texts = [t for s in sections for t in _texts(s, excluded)]
    keep_below = op.gtc_encode.max_text_len if isinstance(op, MultiLabelEncode) else None
    dict_path = (cfg.get("Global") or {}).get("character_dict_path")
    return [C.check_missing_chars(texts, charset, dict_path, ctc.lower),
            C.check_space_char(texts, charset),
            C.check_text_length(texts, ctc.max_text_len, keep_below)]


def _det_train_findings(sec: dict, boxes: list) -> list:
    """### share and boxes lost in MakeShrinkMap: what the Train pipeline makes of its boxes."""
    found = [C.check_ignore_share(boxes)]
    k, shrink = _op_index(sec["ops"], "MakeShrinkMap")
    if shrink is not None:
        _, crop = _op_index(sec["ops"], "EastRandomCropData")
        if crop is not None:     # the whole image fitted into the crop: the smallest zoom training uses
            def scale_of(hw):
                return min(crop.size[0] / hw[1], crop.size[1] / hw[0])
        else:
            def scale_of(hw):
                return 1.0
        found.append(C.check_tiny_boxes(boxes, scale_of, shrink.min_text_size, shrink.shrink_ratio,
                                        f"Train.dataset.transforms.{k}.MakeShrinkMap"))
    return found


def _det_size_findings(sections: list) -> list:
    """Image sizes against the Eval DetResizeForTest limit (PaddleOCR inference's 960 / max if none)."""
    det = [s for s in sections if s["task"] == "det"]
    if not det:
        return []
    limit, limit_type, key = 960, "max", None        # PaddleOCR's inference default
    for s in det:
        k, resize = _op_index(s["ops"], "DetResizeForTest")
        if resize is not None and resize.limit_side_len is not None and resize.image_shape is None:
            limit, limit_type = int(resize.limit_side_len), resize.limit_type
            key = f"{s['section']}.dataset.transforms.{k}.DetResizeForTest.limit_side_len"
    images = [im for s in det for im in s["images"]]
    return C.check_image_size(images, limit, limit_type, key)


# --- the machine and the config -------------------------------------------------------------------

def _sample_bytes(transforms: list) -> int:
    """Rough float32 bytes of one prepared sample (image, plus DB's 4 label maps for det)."""
    args = {name: (a or {}) for t in transforms or [] for name, a in t.items()}
    if "EastRandomCropData" in args:
        w, h = args["EastRandomCropData"].get("size", (640, 640))
        return 4 * h * w * (3 + 4)
    for name in ("RecResizeImg", "ClsResizeImg"):
        if name in args and args[name].get("image_shape"):
            c, h, w = args[name]["image_shape"]
            return 4 * c * h * w
    side = args.get("DetResizeForTest", {}).get("limit_side_len") or 960
    return 4 * 3 * side * side


def check_loader(cfg: dict, cpu_count: int, shm_free: int | None) -> list:
    """num_workers above the cores you have; shared memory (/dev/shm) too small for the batches
    the workers prefetch (2 per worker, as paddle.io.DataLoader's default prefetch_factor)."""
    found = []
    for section in ("Train", "Eval"):
        loader = (cfg.get(section) or {}).get("loader") or {}
        workers = int(loader.get("num_workers") or 0)
        if workers > cpu_count:
            found.append(Finding("loader_workers", f"{section}.loader.num_workers {workers} > {cpu_count} "
                                 "CPU cores available: workers starve each other (loaders stall)", workers,
                                 "workers", [], f"-o {section}.loader.num_workers={cpu_count}"))
        if workers > 0 and loader.get("use_shared_memory", True) and shm_free is not None:
            batch = int(loader.get("batch_size_per_card") or 1)
            need = batch * _sample_bytes((cfg[section].get("dataset") or {}).get("transforms")) * workers * 2
            if need > shm_free:
                found.append(Finding("shared_memory", f"{section}: {workers} workers prefetch about "
                                     f"{need / 2**20:.0f} MB through /dev/shm, which has {shm_free / 2**20:.0f} MB "
                                     "free (loaders hang or die with a bus error)", workers, "workers", [],
                                     f"-o {section}.loader.use_shared_memory=False (or a larger /dev/shm: "
                                     "docker run --shm-size=8g ...)"))
    return found


def _lr_values(cfg: dict) -> tuple[list, str]:
    lr = (cfg.get("Optimizer") or {}).get("lr") or {}
    if "values" in lr:
        return [float(v) for v in lr["values"]], "Optimizer.lr.values"
    if "learning_rate" in lr:
        return [float(lr["learning_rate"])], "Optimizer.lr.learning_rate"
    return [], ""


def _origin(config_path) -> str | None:
    if config_path is None:
        return None
    try:
        text = Path(config_path).read_text(encoding="utf-8")
    except OSError:
        return None
    m = _ORIGIN.search(text)
    if m and m[1] in OFFICIAL_RECIPES:
        return m[1]
    name = Path(config_path).name
    return next((k for k in OFFICIAL_RECIPES if Path(k).name == name), None)


def _format_lr(values: list, key: str) -> str:
    shown = [float(f"{v:.2g}") for v in values]
    return f"-o {key}={shown[0]}" if key.endswith("learning_rate") else f"-o {key}=[{','.join(map(str, shown))}]"


def check_lr(cfg: dict, config_path, cards: int) -> Finding | None:
    """The LR rule of the module docstring."""
    values, key = _lr_values(cfg)
    batch = int(((cfg.get("Train") or {}).get("loader") or {}).get("batch_size_per_card") or 0)
    if not values or not batch:
        return None
    yours = cards * batch
    origin = _origin(config_path)
    if origin is not None:
        ref_lr, ref_batch = OFFICIAL_RECIPES[origin]
        total = OFFICIAL_CARDS * ref_batch
        if abs(values[0] - ref_lr) > 1e-9 * ref_lr or yours >= total:
            return None
        shown = f"{values[0]:g}" if len(values) == 1 else str(values)
        why = (f"{key} {shown} is {origin}'s value, tuned for {OFFICIAL_CARDS} cards x {ref_batch} = "
               f"{total} images per step; you have {cards} card(s) x {batch} = {yours}")
        extra = ""
    elif (cfg.get("Global") or {}).get("distributed") and cards == 1:
        total = OFFICIAL_CARDS * batch
        why = (f"Global.distributed is true (a multi-card recipe: PaddleOCR tunes for {OFFICIAL_CARDS} "
               f"cards x {batch} = {total} images per step) but you have 1 card")
        extra = " -o Global.distributed=false"
    else:
        return None
    scaled = [v * yours / total for v in values]
    return Finding("lr_for_cards", why, 1, "config", [f"{config_path or 'config'}: {key}"],
                   f"{_format_lr(scaled, key)}{extra} (linear rule: lr x {yours}/{total}, PaddleOCR's "
                   "fine-tuning guide; from pretrained weights it may go lower still)")


def _cards(cfg: dict) -> int:
    if not (cfg.get("Global") or {}).get("use_gpu"):
        return 1
    try:
        import paddle

        if paddle.device.is_compiled_with_cuda():
            return max(1, paddle.device.cuda.device_count())
    except Exception:  # noqa: BLE001 - no usable CUDA: one CPU "card"
        pass
    return 1


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _shm_free() -> int | None:
    try:
        return shutil.disk_usage("/dev/shm").free
    except OSError:
        return None


# --- PPOCRLabel export folders ----------------------------------------------------------------------

def check_ppocrlabel_folder(folder) -> list:
    """Label.txt, rec_gt.txt and crop_img/ of one PPOCRLabel folder, before splitting it."""
    from .data.transforms.det_label_encode import DetLabelEncode, parse_det_label

    folder = Path(folder)
    label_file = folder / "Label.txt"
    if not label_file.is_file():
        raise DataError(f"{label_file} not found: export the labels in PPOCRLabel first (File > Export Label)")
    det = read_label_lines([label_file], "\t", [DetLabelEncode.check_label])
    regions, det_texts = {}, []
    for ln in det:
        if ln.error is None:
            items = parse_det_label(ln.label)
            det_texts += [(ln.where, str(i["transcription"])) for i in items]
            regions[Path(ln.image).stem] = (ln.where, sum(str(i["transcription"]) not in C.IGNORE_TEXTS
                                                           for i in items))
    found = [C.check_separator(det), C.check_newline_in_text(det, "\t", det_texts)]
    reported = {ln.where for ln in C.spaced_lines(det) + C.broken_lines(det)}
    found.append(C.check_label_format(det, reported))
    rec_file = folder / "rec_gt.txt"
    crops = {}
    if rec_file.is_file():
        rec = read_label_lines([rec_file], "\t")
        for ln in rec:
            if ln.image is not None:
                stem = re.sub(r"_crop_\d+$", "", Path(ln.image).stem)
                crops[stem] = crops.get(stem, 0) + 1
        found += [C.check_separator(rec), C.check_newline_in_text(rec, "\t")]
        found.append(C.check_unreadable([ImageInfo(ln.where, str(folder / "crop_img" / Path(ln.image).name),
                                                   problem=None if (folder / "crop_img" / Path(ln.image).name)
                                                   .is_file() else "missing")
                                         for ln in rec if ln.image is not None], str(folder / "crop_img")))
    found.append(C.check_ppocrlabel_crops(regions, crops, str(label_file)))
    return [f for f in found if f]


# --- everything -------------------------------------------------------------------------------------

def check_data(cfg: dict | None, config_path=None, cards: int | None = None, ppocrlabel=(),
               skip=(), cpu_count: int | None = None, shm_free: int | None = -1) -> Report:
    """Run every check on a loaded config (and PPOCRLabel folders); return a Report.

    Args:
        cfg: the dict from `config.load_config` (None: only `ppocrlabel` folders).
        config_path: the YAML file, to read its origin for the LR rule.
        cards: devices you train on (default: visible GPUs if Global.use_gpu, else 1).
        ppocrlabel: PPOCRLabel export folders to check as well.
        skip: check names to leave out (e.g. ["lr_for_cards"]).
        cpu_count, shm_free: override what this machine has (tests); shm_free=-1 means measure.
    """
    if unknown := sorted(set(skip) - set(CHECK_NAMES)):
        raise ConfigError(f"unknown check(s) to skip: {unknown}; checks: {', '.join(CHECK_NAMES)}")
    report = Report(skipped=sorted(skip))
    found = []
    if cfg is not None:
        sections = [s for s in (_read_section(cfg, name) for name in ("Train", "Eval")) if s]
        if not sections:
            raise ConfigError("the config has neither Train.dataset nor Eval.dataset")
        found += _sections_findings(cfg, sections)
        report.tasks = {s["task"] for s in sections}
        for s in sections:
            report.summary.append(f"{s['section']}: {s['task'] or '?'} | {len(s['lines'])} lines in "
                                  f"{len({ln.file for ln in s['lines']})} file(s) | {len(s['images'])} images "
                                  f"under {s['data_dir']}")
        train = next((s for s in sections if s["section"] == "Train"), None)
        evaluation = next((s for s in sections if s["section"] == "Eval"), None)
        if train and evaluation:
            found.append(C.check_duplicates(train["images"], evaluation["images"]))
        found += _det_size_findings(sections)
        found += check_loader(cfg, cpu_count or _cpu_count(), _shm_free() if shm_free == -1 else shm_free)
        found.append(check_lr(cfg, config_path, cards or _cards(cfg)))
    for folder in ppocrlabel:
        found += check_ppocrlabel_folder(folder)
        report.summary.append(f"PPOCRLabel folder {folder}")
    report.findings = [f for f in found if f and f.check not in set(skip)]
    return report


def format_report(report: Report) -> str:
    """The table: one block per finding (FIX, check, count, problem, first examples, fix)."""
    rows = [f"read   {line}" for line in report.summary]
    if "det" in report.tasks:
        rows.append("limits " + "; ".join(f"{k}: {v}" for k, v in C.THRESHOLDS.items()))
    if report.skipped:
        rows.append("skip   " + ", ".join(report.skipped))
    if report.ok:
        rows.append("OK     no problem found")
        return "\n".join(rows)
    width = max(len(f.check) for f in report.findings)
    for f in report.findings:
        unit = {"lines": "line", "images": "image", "boxes": "box", "workers": "worker"}.get(f.unit, f.unit) \
            if f.count == 1 else f.unit
        rows.append(f"FIX    {f.check:<{width}}  {f.count} {unit}: {f.problem}")
        if f.examples:
            rows.append(f"       {'':<{width}}  first: {', '.join(f.examples)}")
        rows.append(f"       {'':<{width}}  -> {f.fix}")
    rows.append(f"{len(report.findings)} problem(s) found")
    return "\n".join(rows)
