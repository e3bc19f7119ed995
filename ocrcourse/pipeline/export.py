"""Static inference models: export a trained model with `paddle.jit`, load one for prediction.

`export_model` writes what PaddleOCR's `tools/export_model.py` writes into `Global.save_inference_dir`:
`inference.pdiparams` plus the program (`inference.json` with Paddle 3's PIR format, or
`inference.pdmodel` with older Paddle). A `DistillationModel` is exported once per sub-model, into
`{save_inference_dir}/{Student|Student2|Teacher}/`, as PaddleOCR does. The export works on a copy
of the model (departure: PaddleOCR's tool exits after exporting, so it converts the model itself):
`paddle.jit.to_static` replaces a layer's `forward` in place, and `eval()` / `return_all_feats`
would change it too, so the caller's model keeps training or predicting eagerly afterwards.

Lesson: lessons/16_export_and_inference.ipynb.

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

from ..errors import ConfigError, WeightsError

__all__ = ["input_spec_for", "export_model", "load_inference_model", "InferenceModel", "MODEL_FILES"]

logger = logging.getLogger(__name__)

MODEL_FILES = ("inference.json", "inference.pdmodel")     # Paddle 3 (PIR) / Paddle 2 program files


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
    `model` itself is left as it was (a deep copy is converted; see the module docstring).
    """
    save_dir = Path(save_dir)
    spec = input_spec_for(cfg)
    model = _clone(model)                             # to_static / eval() below change the layer
    names = getattr(model, "model_names", None)
    parts = [(getattr(model, n), save_dir / n) for n in names] if names else [(model, save_dir)]
    for layer, _ in parts:
        if hasattr(layer, "return_all_feats"):
            layer.return_all_feats = False            # inference graphs give the head output only
    return [_export_one(layer, spec, out) for layer, out in parts]


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
