"""Static inference models: export a trained model with `paddle.jit`, load one for prediction.

`export_model` writes what PaddleOCR's `tools/export_model.py` writes into `Global.save_inference_dir`:
`inference.pdiparams` plus the program (`inference.json` with Paddle 3's PIR format, or
`inference.pdmodel` with older Paddle). A `DistillationModel` is exported once per sub-model, into
`{save_inference_dir}/{Student|Student2|Teacher}/`, as PaddleOCR does. The export works on a copy
of the model (departure: PaddleOCR's tool exits after exporting, so it converts the model itself):
`paddle.jit.to_static` replaces a layer's `forward` in place, and `eval()` / `return_all_feats`
would change it too, so the caller's model keeps training or predicting eagerly afterwards.

Before saving, every re-parameterisable layer is fused (`models.reparameterize`: PP-LCNetV3's
branches -> one conv, as PaddleOCR's export calls `rep()`), and an `inference.yml` is written beside
the graph: the file PaddleOCR 3.x's `TextDetection` / `TextRecognition(model_name=..., model_dir=...)`
(PaddleX predictors) read -- `Global.model_name`, `PreProcess.transform_ops`, `PostProcess` with the
`character_dict` (see `inference_config`).

Lessons: lessons/16_export_and_inference.ipynb, lessons/18_ppocrv4.ipynb.

`load_inference_model(dir)` returns a callable `InferenceModel` (a `paddle.inference` predictor, the
engine PaddleOCR's `tools/infer/predict_*.py` use): `outputs = net(batch)` with a float32 NCHW NumPy
array. The pipeline (`PPOCR`) uses it for directories given as `det_model_dir` / `rec_model_dir` /
`cls_model_dir`.

Input shapes (`input_spec_for`), read from the config rather than from algorithm names:
det `[N, 3, H, W]` free; rec `[N, 3, H, W]` with H fixed by the `RecResizeImg.image_shape` of the
config (32 for v2.0 / v2, 48 for v3) and W free; cls fixed `[N, 3, 48, 192]` from `ClsResizeImg`.
"""
from __future__ import annotations

import copy
import logging
import os
from pathlib import Path

import numpy as np
import paddle
import yaml

from ..errors import ConfigError, WeightsError

__all__ = ["input_spec_for", "export_model", "load_inference_model", "InferenceModel", "MODEL_FILES",
           "INFERENCE_CONFIG", "inference_config", "write_inference_config", "read_inference_config",
           "paddlex_model_name"]

logger = logging.getLogger(__name__)

MODEL_FILES = ("inference.json", "inference.pdmodel")     # Paddle 3 (PIR) / Paddle 2 program files
INFERENCE_CONFIG = "inference.yml"                         # read by PaddleOCR 3.x / PaddleX

# The PreProcess ops PaddleX's text predictors build (others make them stop): det needs the resize,
# normalise and CHW ops; rec only reads RecResizeImg's image_shape. Label ops are accepted and skipped.
PADDLEX_OPS = {
    "det": ("DecodeImage", "DetLabelEncode", "DetResizeForTest", "NormalizeImage", "ToCHWImage", "KeepKeys"),
    "rec": ("DecodeImage", "MultiLabelEncode", "RecResizeImg", "KeepKeys"),
}
PADDLEX_NEEDS = {"det": ("DetResizeForTest", "NormalizeImage", "ToCHWImage"), "rec": ("RecResizeImg",)}
# dynamic input shapes PaddleOCR writes into `Hpi` when Global.uniform_output_enabled is set
_HPI_SHAPES = {"det": [[1, 3, 160, 160], [1, 3, 640, 640], [1, 3, 1280, 1280]],
               "rec": [[1, 3, 48, 160], [1, 3, 48, 320], [8, 3, 48, 640]]}


def _image_shape(cfg: dict, transform_names: tuple[str, ...]) -> list | None:
    for section in ("Eval", "Train"):
        for entry in ((cfg.get(section) or {}).get("dataset") or {}).get("transforms") or []:
            for name, params in entry.items():
                if name in transform_names and params and params.get("image_shape"):
                    return list(params["image_shape"])
    return None


def input_spec_for(cfg: dict) -> list:
    """`[paddle.static.InputSpec]` for the model a config trains (see the module docstring)."""
    from paddle.static import InputSpec

    model_type = cfg["Architecture"].get("model_type")
    if model_type == "det":
        shape = [None, 3, None, None]
    elif model_type == "rec":
        image_shape = _image_shape(cfg, ("RecResizeImg", "SVTRRecResizeImg")) or [3, 48, 320]
        shape = [None, 3, int(image_shape[1]), None]
    elif model_type == "cls":
        image_shape = _image_shape(cfg, ("ClsResizeImg",)) or [3, 48, 192]
        shape = [None, 3, int(image_shape[1]), int(image_shape[2])]
    else:
        raise ConfigError(f"Architecture.model_type {model_type!r}: export knows det, rec and cls")
    return [InputSpec(shape=shape, dtype="float32", name="x")]


def _export_one(layer: paddle.nn.Layer, input_spec: list, out_dir: Path) -> Path:
    layer.eval()
    static = paddle.jit.to_static(layer, input_spec=input_spec, full_graph=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    # A folder exported before by another Paddle may hold the other graph format (inference.json from
    # Paddle 3's PIR, inference.pdmodel from 2.x); the loader would pair it with the new weights.
    for stale in ("inference.json", "inference.pdmodel", "inference.pdiparams", "inference.pdiparams.info"):
        (out_dir / stale).unlink(missing_ok=True)
    paddle.jit.save(static, str(out_dir / "inference"))
    logger.info("inference model saved to %s", out_dir)
    return out_dir


def _holds_memory(tensor) -> bool:
    try:
        return tensor.value().get_tensor()._is_initialized()
    except (AttributeError, RuntimeError):            # not a dense tensor: nothing to check
        return True


def _clone(model: paddle.nn.Layer) -> paddle.nn.Layer:
    """A deep copy of `model` that `paddle.jit.save` can save.

    Paddle 2.6's deepcopy gives an LSTM's scratch buffer `_dropout_state` no memory, and
    `jit.save` then fails with "Tensor holds no memory"; such a buffer is shared with the original
    instead (it is non-persistable scratch space, never saved)."""
    clone = copy.deepcopy(model)
    originals = dict(model.named_buffers())
    for name, buffer in clone.named_buffers():
        if buffer is not None and not _holds_memory(buffer) and name in originals:
            *path, attr = name.split(".")
            owner = clone
            for part in path:
                owner = getattr(owner, part)
            owner._buffers[attr] = originals[name]
    return clone


def export_model(model: paddle.nn.Layer, cfg: dict, save_dir: str | os.PathLike) -> list[Path]:
    """Export `model` (already holding its trained weights) to static inference model(s).

    Returns the directories written: `[save_dir]`, or `[save_dir/Student, ...]` for a
    DistillationModel (one per sub-model, each a plain model with `return_all_feats` off).
    Each model is re-parameterised first (PP-LCNetV3's branches fused, as PaddleOCR's export does)
    and its directory gets an `inference.yml` for PaddleOCR 3.x (`write_inference_config`).
    `model` itself is left as it was (a deep copy is converted; see the module docstring).
    """
    from ..models.reparam import reparameterize

    save_dir = Path(save_dir)
    spec = input_spec_for(cfg)
    model = _clone(model)                             # to_static / eval() / rep() below change the layer
    names = getattr(model, "model_names", None)
    parts = [(getattr(model, n), save_dir / n, n) for n in names] if names else [(model, save_dir, None)]
    written = []
    for layer, out, name in parts:
        if hasattr(layer, "return_all_feats"):
            layer.return_all_feats = False            # inference graphs give the head output only
        layer.eval()
        fused = reparameterize(layer)
        if fused:
            logger.info("re-parameterised %d layer(s) of %s before export", fused, name or "the model")
        written.append(_export_one(layer, spec, out))
        write_inference_config(cfg, out, sub_model=name)
    return written


def _arch_of(cfg: dict, sub_model: str | None) -> dict:
    arch = cfg["Architecture"]
    if sub_model is None:
        return arch
    return {"model_type": arch.get("model_type"), **arch["Models"][sub_model]}


def paddlex_model_name(cfg: dict, sub_model: str | None = None) -> str | None:
    """The PaddleX model name an exported model stands for (`inference.yml`'s Global.model_name).

    `Global.pdx_model_name` (PaddleOCR's key) wins; otherwise the PP-OCR mobile families are
    recognised by their architecture: PP-LCNetV3 -> PP-OCRv4_mobile_det / _rec; MobileNetV3 + RSE-FPN
    -> PP-OCRv3_mobile_det; MobileNetV1Enhance + MultiHead -> PP-OCRv3_mobile_rec. Anything else: None
    (PaddleX knows no v2 / v2.0 model; pass a name with -o Global.pdx_model_name=...).
    """
    given = (cfg.get("Global") or {}).get("pdx_model_name")
    if given:
        return given
    arch = _arch_of(cfg, sub_model)
    model_type = arch.get("model_type")
    backbone = (arch.get("Backbone") or {}).get("name")
    neck = (arch.get("Neck") or {}).get("name")
    head = (arch.get("Head") or {}).get("name")
    if model_type in ("det", "rec") and backbone == "PPLCNetV3":
        return f"PP-OCRv4_mobile_{model_type}"
    if model_type == "det" and backbone == "MobileNetV3" and neck == "RSEFPN":
        return "PP-OCRv3_mobile_det"
    if model_type == "rec" and backbone == "MobileNetV1Enhance" and head == "MultiHead":
        return "PP-OCRv3_mobile_rec"
    return None


def inference_config(cfg: dict, sub_model: str | None = None) -> dict | None:
    """The `inference.yml` content for the (sub-)model a config exports; None for model types PaddleOCR
    3.x's text predictors do not cover (cls: 3.x's textline orientation model is another family).

    Layout, as PaddleOCR's `dump_infer_config` (ppocr/utils/export_model.py) writes it:
        Global: {model_name: ...}                  (when known, see `paddlex_model_name`)
        Hpi: {backend_configs: ...}                (only with Global.uniform_output_enabled)
        PreProcess: {transform_ops: [Eval transforms]}
        PostProcess: {name: ..., <its keys>, character_dict: [dictionary lines]}   (rec)
    Departures, so that 3.x can read what we write: transform ops PaddleX does not build are left
    out (e.g. CTCLabelEncode, which PaddleOCR copies and PaddleX rejects); DecodeImage gets
    `channel_first: false` / `img_mode: BGR` when unset; a distillation sub-model gets its own file
    with the plain post-process (`DistillationCTCLabelDecode` -> `CTCLabelDecode`, without
    model_name / key / multi_head), where PaddleOCR writes one file with the distillation decoder,
    which PaddleX cannot build, in the parent folder.
    """
    arch = _arch_of(cfg, sub_model)
    model_type = arch.get("model_type") or cfg["Architecture"].get("model_type")
    if model_type not in PADDLEX_OPS:
        return None
    g = cfg.get("Global") or {}
    out: dict = {}
    name = paddlex_model_name(cfg, sub_model)
    if name:
        out["Global"] = {"model_name": name}
    else:
        logger.warning("inference.yml: no PaddleX model name for this architecture; PaddleOCR 3.x needs one "
                       "(set -o Global.pdx_model_name=..., e.g. PP-OCRv4_mobile_%s)", model_type)
    if g.get("uniform_output_enabled"):
        shapes = _HPI_SHAPES[model_type]
        out["Hpi"] = {"backend_configs": {"paddle_infer": {"trt_dynamic_shapes": {"x": shapes}},
                                          "tensorrt": {"dynamic_shapes": {"x": shapes}}}}
    ops, dropped = [], []
    for entry in copy.deepcopy(((cfg.get("Eval") or {}).get("dataset") or {}).get("transforms") or []):
        (op, params), = entry.items()
        if op not in PADDLEX_OPS[model_type]:
            dropped.append(op)
            continue
        if op == "DecodeImage":
            params = {"img_mode": "BGR", "channel_first": False, **(params or {})}
        ops.append({op: params})
    if dropped:
        logger.info("inference.yml: Eval ops PaddleOCR 3.x does not build left out: %s", dropped)
    if missing := [op for op in PADDLEX_NEEDS[model_type] if not any(op in e for e in ops)]:
        logger.warning("inference.yml: the Eval transforms have no %s; PaddleOCR 3.x will not load the model", missing)
    out["PreProcess"] = {"transform_ops": ops}
    post = dict(cfg.get("PostProcess") or {})
    if str(post.get("name", "")).startswith("Distillation"):
        post = {k: v for k, v in post.items() if k not in ("model_name", "key", "multi_head")}
        post["name"] = post["name"][len("Distillation"):]
    if g.get("character_dict_path") is not None:
        from ..dictionary import load_dict
        post["character_dict"] = load_dict(g["character_dict_path"], use_space_char=False)
    out["PostProcess"] = post
    return out


def write_inference_config(cfg: dict, out_dir: str | os.PathLike, sub_model: str | None = None) -> Path | None:
    """Write `inference_config(cfg, sub_model)` to `out_dir/inference.yml`; returns its path (None: not written)."""
    content = inference_config(cfg, sub_model)
    if content is None:
        return None
    path = Path(out_dir) / INFERENCE_CONFIG
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        yaml.safe_dump(content, f, sort_keys=False, allow_unicode=True, default_flow_style=False)
    logger.info("inference config written to %s", path)
    return path


def read_inference_config(model_dir: str | os.PathLike) -> dict:
    """The `inference.yml` of an exported directory (ours or PaddleOCR's) as a dict."""
    path = Path(model_dir) / INFERENCE_CONFIG
    if not path.is_file():
        raise WeightsError(f"{path} does not exist; `ocrcourse export` writes it beside the model")
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


class InferenceModel:
    """A saved inference model, run with `paddle.inference`: `outputs = net(images)`.

    Args:
        model_dir: directory with `inference.pdiparams` and `inference.json` / `inference.pdmodel`.
        num_threads: CPU math threads.
        use_onednn: run with oneDNN kernels (several times faster on CPU). A graph with an op
            oneDNN cannot run (PaddleOCR's own det exports use nearest_interp, which Paddle 3.3's
            oneDNN rejects) falls back to plain CPU kernels on the first call, with a warning.

    Call with a float32 array (N, 3, H, W); returns the first output as a NumPy array
    (det: (N, 1, H, W) probabilities; rec: (N, T, C) probabilities; cls: (N, 2)), or all outputs
    as a list with `all_outputs=True`.
    """

    def __init__(self, model_dir: str | os.PathLike, num_threads: int = 2, use_onednn: bool = True):
        self.model_dir = Path(model_dir)
        program = next((self.model_dir / f for f in MODEL_FILES if (self.model_dir / f).is_file()), None)
        params = self.model_dir / "inference.pdiparams"
        if program is None or not params.is_file():
            raise WeightsError(f"{self.model_dir} is not an inference model directory (expected "
                               f"inference.pdiparams and one of {list(MODEL_FILES)}); create one with "
                               f"`ocrcourse export -c CONFIG -o Global.pretrained_model=... "
                               f"Global.save_inference_dir={self.model_dir}`")
        self._files, self.num_threads, self.use_onednn = (program, params), num_threads, use_onednn
        self.predictor = self._create()
        self.input_names = self.predictor.get_input_names()
        self.output_names = self.predictor.get_output_names()

    def _create(self):
        config = paddle.inference.Config(*map(str, self._files))
        config.disable_gpu()
        if self.use_onednn:
            config.enable_mkldnn()
        else:
            config.disable_mkldnn()
        config.set_cpu_math_library_num_threads(self.num_threads)
        config.disable_glog_info()
        return paddle.inference.create_predictor(config)

    def _run(self, images: np.ndarray) -> list:
        handle = self.predictor.get_input_handle(self.input_names[0])
        handle.reshape(list(images.shape))
        handle.copy_from_cpu(np.ascontiguousarray(images, dtype=np.float32))
        self.predictor.run()
        return [self.predictor.get_output_handle(n).copy_to_cpu() for n in self.output_names]

    def __call__(self, images: np.ndarray, all_outputs: bool = False):
        try:
            outs = self._run(images)
        except Exception as e:  # noqa: BLE001 - e.g. PaddleOCR's own det exports: nearest_interp
            if not self.use_onednn:  # has no oneDNN kernel in Paddle 3.3; retry on plain CPU kernels
                raise
            logger.warning("oneDNN cannot run %s (%s: %s); using plain CPU kernels", self.model_dir,
                           type(e).__name__, str(e).splitlines()[0][:120] if str(e) else "")
            self.use_onednn = False
            self.predictor = self._create()
            outs = self._run(images)
        return outs if all_outputs else outs[0]


def load_inference_model(model_dir: str | os.PathLike, num_threads: int = 2,
                         use_onednn: bool = True) -> InferenceModel:
    """Load an exported model directory (ours or PaddleOCR's) as a callable `InferenceModel`
    (oneDNN on CPU by default, falling back to plain kernels if the graph has an op it can't run)."""
    return InferenceModel(model_dir, num_threads=num_threads, use_onednn=use_onednn)
