"""The PP-OCR system: detect text boxes, crop them, fix upside-down crops, recognise each line.

    image (BGR) --DetResizeForTest(960, max), ImageNet norm--> det model --DBPostProcess-->
    quads --order, clip, sort, perspective crop--> crops --cls (48x192), flip if "180" > 0.9-->
    crops --sort by aspect ratio, batches of 6 at 48 x max(320, 48 w/h)--> rec model --CTC-->
    (text, score) --drop score < 0.5--> [{"points", "text", "score"}, ...]

With det_box_type="poly" (curved text, Total-Text-style polygon labels) DBPostProcess returns
polygons instead of quads; they are only clipped, sorted the same way, and cropped through their
minimum-area rectangle, as predict_system.py does with `det_box_type='poly'`.

Every step mirrors PaddleOCR's `tools/infer/predict_system.py` (2.x), with the same defaults, so
official weights give PaddleOCR's results. The models are any `ocrcourse` det / rec / cls models
(official ones from `PPOCR.from_official()`, or your own trained ones).

The stages' inputs are public for lessons that run one model by hand: `det_input(image)` gives
the detector's tensor and the `shape_list` DBPostProcess needs, `resize_norm_line` a rec/cls line.
"""
from __future__ import annotations

import logging
import math
import os
import time

import cv2
import numpy as np

from ..data.transforms.det_resize import DetResizeForTest
from ..errors import ConfigError
from ..postprocess import ClsPostProcess, CTCLabelDecode, DBPostProcess
from .crop import clip_det_polygons, filter_det_boxes, get_minarea_rect_crop, get_rotate_crop_image, sort_boxes
from .image_io import read_image
from .predictor import DirectoryPredictor, EagerPredictor, InferencePredictor

__all__ = ["PPOCR", "OCR_VERSIONS", "official_model_names", "load_trained_model", "normalize_det_image", "det_input",
           "resize_norm_line"]

log = logging.getLogger(__name__)

DET_BOX_TYPES = ("quad", "poly")

IMAGENET_MEAN = np.array([0.485, 0.456, 0.406], np.float32).reshape(1, 1, 3)
IMAGENET_STD = np.array([0.229, 0.224, 0.225], np.float32).reshape(1, 1, 3)


def normalize_det_image(image: np.ndarray) -> np.ndarray:
    """BGR uint8 (H, W, 3) -> float32 (3, H, W): x / 255, minus mean, over std, per plane.

    PaddleOCR applies the ImageNet RGB statistics to the BGR planes in order (B with 0.485 ...);
    the official detectors were trained that way, so we keep it.
    """
    x = (image.astype(np.float32) * np.float32(1.0 / 255.0) - IMAGENET_MEAN) / IMAGENET_STD
    return x.transpose(2, 0, 1)


def det_input(image: np.ndarray, limit_side_len: int = 960, limit_type: str = "max"):
    """BGR uint8 (H, W, 3) -> (tensor (1, 3, H', W') float32, shape_list (1, 4) float64).

    PaddleOCR's detection pre-processing: DetResizeForTest (sides multiples of 32; by default the
    long side at most 960, as predict_det.py), NormalizeImage (x / 255, ImageNet mean/std),
    ToCHWImage, and a batch axis. shape_list = [[src_h, src_w, ratio_h, ratio_w]] maps the boxes
    back:  boxes = DBPostProcess(...)(model(x), shape_list)[0]["points"].
    """
    import paddle

    data = DetResizeForTest(limit_side_len=limit_side_len, limit_type=limit_type)({"image": image})
    x = paddle.to_tensor(normalize_det_image(data["image"])[None])
    return x, np.expand_dims(data["shape"], 0)


def resize_norm_line(crop: np.ndarray, height: int, width: int) -> np.ndarray:
    """A text-line crop -> float32 (3, height, width) in [-1, 1], zero-padded on the right.

    The crop is resized to `height` keeping its aspect ratio (width ceil(height * w / h), at most
    `width`), scaled to [-1, 1] as x / 255 * 2 - 1, and padded with 0 (used by rec and cls).
    """
    h, w = crop.shape[:2]
    resized_w = min(width, int(math.ceil(height * (w / float(h)))))
    resized = cv2.resize(crop, (resized_w, height)).astype(np.float32)
    out = np.zeros((3, height, width), dtype=np.float32)
    out[:, :, :resized_w] = (resized.transpose(2, 0, 1) / 255 - 0.5) / 0.5
    return out


def _aspect_batches(crops: list[np.ndarray], batch_size: int):
    """Indices of `crops` sorted by width / height, in chunks of `batch_size` (less padding)."""
    order = np.argsort(np.array([c.shape[1] / float(c.shape[0]) for c in crops]))
    for start in range(0, len(order), batch_size):
        yield order[start:start + batch_size]


def _image_shape_from(cfg: dict, op_name: str, default: tuple[int, int, int]) -> tuple[int, int, int]:
    """`image_shape` of the first `op_name` transform in Eval (else Train), e.g. RecResizeImg."""
    for section in ("Eval", "Train"):
        for op in ((cfg.get(section) or {}).get("dataset") or {}).get("transforms") or []:
            params = op.get(op_name) if isinstance(op, dict) else None
            if params and params.get("image_shape"):
                return tuple(int(v) for v in params["image_shape"])
    return default


def load_trained_model(config_path: str, checkpoint: str | None = None):
    """The model of a training config with its trained weights, ready for inference.

    `checkpoint` defaults to the config's `Global.checkpoints` or `Global.pretrained_model`. For a
    distillation config the `Student` sub-model is returned (what PaddleOCR exports for inference).
    Returns (model, config).
    """
    from ..config import load_config
    from ..models import build_model
    from ..models.pretrained import load_pretrained

    cfg = load_config(config_path)
    glob = cfg.get("Global") or {}
    checkpoint = checkpoint or glob.get("checkpoints") or glob.get("pretrained_model")
    if not checkpoint:
        raise ConfigError(f"{config_path}: no weights to load; pass a checkpoint (e.g. "
                          "output/<run>/best_accuracy) or set Global.checkpoints")
    model = build_model(cfg["Architecture"])
    load_pretrained(model, checkpoint)
    names = getattr(model, "model_names", None)
    if names:                                        # a DistillationModel: keep the Student
        model = getattr(model, "Student" if "Student" in names else names[0])
    model.return_all_feats = False                   # inference wants the head output itself
    model.eval()
    return model, cfg


# PaddleOCR's `ocr_version` -> the official (det, rec) models; the v2.0 classifier serves both.
OCR_VERSIONS = {"PP-OCRv3": ("PP-OCRv3_det", "PP-OCRv3_rec"), "PP-OCRv4": ("PP-OCRv4_det", "PP-OCRv4_rec")}
DEFAULT_OCR_VERSION = "PP-OCRv3"


def official_model_names(ocr_version: str) -> tuple[str, str]:
    """("PP-OCRv4_det", "PP-OCRv4_rec") for "PP-OCRv4"; ConfigError naming the choices otherwise."""
    if ocr_version not in OCR_VERSIONS:
        raise ConfigError(f"ocr_version must be one of {sorted(OCR_VERSIONS)}, got {ocr_version!r}")
    return OCR_VERSIONS[ocr_version]


class PPOCR:
    """Detection + direction classification + recognition, the PP-OCR system (PP-OCR系统).

    PP-OCR strategy: the three-stage system of PP-OCR (DB detector, direction classifier, CRNN /
    SVTR-LCNet recogniser). Papers: PP-OCR arXiv:2009.09941, PP-OCRv2 arXiv:2109.03144,
    PP-OCRv3 arXiv:2206.03001. Lesson: lessons/01_ppocr_system.ipynb.

    Args:
        det_model, rec_model, cls_model: `ocrcourse` models, or directories written by
            `ocrcourse export` (any may be None if not used); models are switched to eval mode.
            det returns {"maps": (N, 1, H, W)}, rec (N, T, C) probabilities, cls (N, 2)
            probabilities, as in PaddleOCR.
        character_dict_path, use_space_char: the rec model's dictionary (CTCLabelDecode).
        det_limit_side_len, det_limit_type: DetResizeForTest (960, 'max').
        det_db_thresh, det_db_box_thresh, det_db_unclip_ratio, use_dilation, det_db_score_mode:
            DBPostProcess (0.3, 0.6, 1.5, False, 'fast').
        det_box_type: 'quad' (default): a 4-point box per line. 'poly': a polygon per line (any
            number of points), for curved text such as Total-Text's polygon labels; detect()
            returns a list of (P, 2) polygons and each is cropped through its minimum-area
            rectangle (PaddleOCR's det_box_type 'poly').
        rec_image_shape: (C, H, W) of recognition inputs, (3, 48, 320) for PP-OCRv3 (v2: 3, 32, 320);
            a batch is widened to H * max(W / H, widest w / h in the batch).
        rec_batch_num, cls_batch_num: crops per forward pass (6).
        cls_image_shape: (3, 48, 192). cls_thresh: flip a crop when "180" wins with p > 0.9.
        label_list: classifier labels ("0", "180").
        drop_score: drop recognised lines with confidence < 0.5.
        use_inference: stages ("det", "rec", "cls") whose models run as exported copies with Paddle
            Inference + oneDNN (2-4x faster on CPU; see predictor.py); True: all, False: none (eager,
            under `paddle.no_grad`). The copies are snapshots: build a new PPOCR after changing a
            model's weights. Default: all three (the necks upsample with `repeat_interleave`, which
            oneDNN runs; a stage whose export fails falls back to eager Paddle).
        use_onednn: run Paddle Inference (exported copies and exported directories) with oneDNN
            kernels (default); False gives Paddle Inference's plain CPU kernels, to measure what
            oneDNN adds (lesson 16).

    `ocr(image, det=True, cls=False, rec=True)` is the one call; `detect`, `classify` and
    `recognize` are the stages, for lessons. `timings` holds the seconds per stage of the last call.
    """

    def __init__(self, det_model=None, rec_model=None, cls_model=None, character_dict_path: str | None = None,
                 use_space_char: bool = True, det_limit_side_len: int = 960, det_limit_type: str = "max",
                 det_db_thresh: float = 0.3, det_db_box_thresh: float = 0.6, det_db_unclip_ratio: float = 1.5,
                 use_dilation: bool = False, det_db_score_mode: str = "fast", det_box_type: str = "quad",
                 rec_image_shape: tuple[int, int, int] = (3, 48, 320), rec_batch_num: int = 6,
                 cls_image_shape: tuple[int, int, int] = (3, 48, 192), cls_batch_num: int = 6,
                 cls_thresh: float = 0.9, label_list: tuple[str, ...] = ("0", "180"), drop_score: float = 0.5,
                 use_inference: bool | tuple[str, ...] = ("det", "rec", "cls"), use_onednn: bool = True):
        if det_box_type not in DET_BOX_TYPES:
            raise ConfigError(f"PPOCR: det_box_type must be one of {DET_BOX_TYPES}, got {det_box_type!r}")
        self.det_box_type = det_box_type
        self.det_model, self.rec_model, self.cls_model = det_model, rec_model, cls_model
        stages = ("det", "rec", "cls") if use_inference is True else tuple(use_inference or ())
        self._det = self._predictor(det_model, (3, None, None), "det" in stages, "maps", use_onednn)
        self._rec = self._predictor(rec_model, (3, rec_image_shape[1], None), "rec" in stages, None, use_onednn)
        self._cls = self._predictor(cls_model, tuple(cls_image_shape), "cls" in stages, None, use_onednn)
        self.det_resize = DetResizeForTest(limit_side_len=det_limit_side_len, limit_type=det_limit_type)
        self.det_post = DBPostProcess(thresh=det_db_thresh, box_thresh=det_db_box_thresh, max_candidates=1000,
                                      unclip_ratio=det_db_unclip_ratio, use_dilation=use_dilation,
                                      score_mode=det_db_score_mode, box_type=det_box_type)
        self.rec_post = CTCLabelDecode(character_dict_path, use_space_char) if rec_model is not None else None
        self.cls_post = ClsPostProcess(label_list=label_list)
        self.rec_image_shape, self.rec_batch_num = tuple(rec_image_shape), rec_batch_num
        self.cls_image_shape, self.cls_batch_num = tuple(cls_image_shape), cls_batch_num
        self.cls_thresh, self.drop_score = cls_thresh, drop_score
        self.timings: dict[str, float] = {}

    @classmethod
    def from_official(cls, use_angle_cls: bool = True, ocr_version: str = DEFAULT_OCR_VERSION,
                      **kwargs) -> "PPOCR":
        """The official system of `ocr_version` (det, rec, and the v2.0 direction classifier),
        offline once `ocrcourse weights --prepare` (or `make weights`) has run.

        `ocr_version`: "PP-OCRv3" (default) or "PP-OCRv4" (PaddleOCR's `ocr_version`; both use
        the same dictionary, input sizes and post-processing). `kwargs` go to PPOCR."""
        from ..weights import build_official_model, official_dict_path

        det_name, rec_name = official_model_names(ocr_version)
        return cls(det_model=build_official_model(det_name),
                   rec_model=build_official_model(rec_name),
                   cls_model=build_official_model("ppocr_mobile_v2.0_cls") if use_angle_cls else None,
                   character_dict_path=official_dict_path(), use_space_char=True, **kwargs)

    @classmethod
    def from_checkpoints(cls, det_config: str | None = None, det_checkpoint: str | None = None,
                         rec_config: str | None = None, rec_checkpoint: str | None = None,
                         cls_config: str | None = None, cls_checkpoint: str | None = None,
                         use_angle_cls: bool = False, ocr_version: str = DEFAULT_OCR_VERSION,
                         **kwargs) -> "PPOCR":
        """A system from your training configs and checkpoints; a stage without a config uses the
        official model of `ocr_version`. The rec config also gives the dictionary
        (`Global.character_dict_path`, `use_space_char`) and the input shape (`RecResizeImg.image_shape`)."""
        from ..weights import build_official_model, official_dict_path

        det_name, rec_name = official_model_names(ocr_version)
        det = load_trained_model(det_config, det_checkpoint)[0] if det_config else build_official_model(det_name)
        if rec_config:
            rec, rec_cfg = load_trained_model(rec_config, rec_checkpoint)
            glob = rec_cfg.get("Global") or {}
            kwargs.setdefault("character_dict_path", glob.get("character_dict_path"))
            kwargs.setdefault("use_space_char", bool(glob.get("use_space_char", False)))
            kwargs.setdefault("rec_image_shape", _image_shape_from(rec_cfg, "RecResizeImg", (3, 48, 320)))
        else:
            rec = build_official_model(rec_name)
            kwargs.setdefault("character_dict_path", official_dict_path())
        cls_model = None
        if cls_config:
            cls_model, cls_cfg = load_trained_model(cls_config, cls_checkpoint)
            kwargs.setdefault("cls_image_shape", _image_shape_from(cls_cfg, "ClsResizeImg", (3, 48, 192)))
        elif use_angle_cls:
            cls_model = build_official_model("ppocr_mobile_v2.0_cls")
        return cls(det_model=det, rec_model=rec, cls_model=cls_model, **kwargs)

    @staticmethod
    def _predictor(model, input_shape, use_inference: bool, dict_key: str | None = None,
                   use_onednn: bool = True):
        """numpy batch -> numpy output: an exported copy (fast) or the model itself."""
        if model is None:
            return None
        if isinstance(model, (str, os.PathLike)):     # an exported inference directory
            from .export import load_inference_model

            return DirectoryPredictor(load_inference_model(model, use_onednn=use_onednn), output_key=dict_key)
        if use_inference:
            try:
                return InferencePredictor(model, input_shape, use_onednn=use_onednn)
            except Exception as e:  # noqa: BLE001 - speed path only; eager gives the same results
                log.info("Paddle Inference of %s unavailable (%s: %.200s); running it eagerly",
                         type(model).__name__, type(e).__name__, e)
        return EagerPredictor(model)

    # ---------------------------------------------------------------- stages

    def detect(self, image: np.ndarray) -> np.ndarray | list[np.ndarray]:
        """BGR image -> float32 (K, 4, 2) quads TL, TR, BR, BL in image pixels, reading order.

        With det_box_type 'poly': a list of float32 (P, 2) polygons (clipped to the image, in the
        same reading order, sorted by each polygon's first point).
        """
        self._require(self.det_model, "det_model", "det=True")
        data = self.det_resize({"image": image})
        preds = self._det(normalize_det_image(data["image"])[None])
        if "maps" not in preds:
            raise ConfigError(f"det_model returned keys {sorted(preds)}, expected 'maps'; pass a single "
                              "detector (for a distillation model, its 'Student' sub-model)")
        boxes = self.det_post(preds, np.expand_dims(data["shape"], 0))[0]["points"]
        if self.det_box_type == "poly":
            return sort_boxes(clip_det_polygons(boxes, image.shape[:2]))
        boxes = filter_det_boxes(boxes, image.shape[:2])
        return np.array(sort_boxes(boxes), dtype=np.float32).reshape(-1, 4, 2)

    def classify(self, crops: list[np.ndarray]) -> tuple[list[np.ndarray], list[tuple[str, float]]]:
        """Direction of each crop; crops classified "180" with p > cls_thresh come back rotated."""
        self._require(self.cls_model, "cls_model", "cls=True")
        crops, results = list(crops), [("", 0.0)] * len(crops)
        _, height, width = self.cls_image_shape
        for idx in _aspect_batches(crops, self.cls_batch_num):
            batch = np.stack([resize_norm_line(crops[i], height, width) for i in idx])
            for i, (label, score) in zip(idx, self.cls_post(self._cls(batch))):
                results[i] = (label, score)
                if "180" in str(label) and score > self.cls_thresh:
                    crops[i] = cv2.rotate(crops[i], cv2.ROTATE_180)
        return crops, results

    def recognize(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        """(text, confidence) per crop, batched by aspect ratio."""
        self._require(self.rec_model, "rec_model", "rec=True")
        results = [("", 0.0)] * len(crops)
        _, height, width = self.rec_image_shape
        for idx in _aspect_batches(crops, self.rec_batch_num):
            max_ratio = max([width / height] + [crops[i].shape[1] / float(crops[i].shape[0]) for i in idx])
            batch_w = int(height * max_ratio)
            batch = np.stack([resize_norm_line(crops[i], height, batch_w) for i in idx])
            for i, result in zip(idx, self.rec_post(self._rec(batch))):
                results[i] = result
        return results

    # ---------------------------------------------------------------- the one call
    def ocr(self, image, det: bool = True, cls: bool = False, rec: bool = True) -> list[dict]:
        """Run the system on one image (path, BGR / gray / BGRA array).

        Returns, in reading order:
            det and rec: [{"points": [[x, y]] * 4, "text": str, "score": float}] (score >= drop_score);
                with det_box_type 'poly', "points" holds each polygon's P points;
            det only: [{"points": ...}];
            rec only (the image is one text line): [{"text", "score"}] (not filtered);
            cls only: [{"label": "0" | "180", "score"}].
        With cls=True the classifier runs before recognition and flips upside-down crops.
        """
        if not (det or cls or rec):
            raise ConfigError("PPOCR.ocr: nothing to do; set at least one of det, cls, rec to True")
        image = read_image(image)
        self.timings = {}
        start = time.perf_counter()
        if det:
            boxes = self._timed("det", self.detect, image)
            crop = get_minarea_rect_crop if self.det_box_type == "poly" else get_rotate_crop_image
            crops = [crop(image, box) for box in boxes] if (cls or rec) else []
        else:
            boxes, crops = None, [image]
        labels = None
        if cls:
            crops, labels = self._timed("cls", self.classify, crops)
        texts = self._timed("rec", self.recognize, crops) if rec and crops else []
        self.timings["total"] = time.perf_counter() - start
        if boxes is None:
            if rec:
                return [{"text": t, "score": float(s)} for t, s in texts]
            return [{"label": str(l), "score": float(s)} for l, s in labels]
        points = [box.astype(np.int64).tolist() for box in boxes]
        if not rec:
            return [{"points": p} for p in points]
        return [{"points": p, "text": t, "score": float(s)}
                for p, (t, s) in zip(points, texts) if s >= self.drop_score]

    def __call__(self, image, det: bool = True, cls: bool = False, rec: bool = True) -> list[dict]:
        return self.ocr(image, det=det, cls=cls, rec=rec)

    def _timed(self, stage: str, fn, *args):
        start = time.perf_counter()
        out = fn(*args)
        self.timings[stage] = time.perf_counter() - start
        return out

    @staticmethod
    def _require(model, name: str, flag: str):
        if model is None:
            raise ConfigError(f"PPOCR has no {name}, so {flag} is not possible; build it with "
                              f"PPOCR({name}=...) or PPOCR.from_official()")
