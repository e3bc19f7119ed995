"""The official PP-OCR models, offline: `official(name)` -> a cached `.pdparams` path.

The PP-OCRv3 system as RapidOCR 1.2.13 packages it, and the PP-OCRv4 det and rec of 1.4.4
(whose direction classifier is the same v2.0 file, byte for byte):

| name                    | what it is                                   | fixture, inference model |
|-------------------------|----------------------------------------------|--------------------------|
| `PP-OCRv3_det`          | DB detector, MobileNetV3-large x0.5, RSE-FPN | c, ch_PP-OCRv3_det_infer |
| `PP-OCRv3_rec`          | SVTR-LCNet recogniser, CTC branch            | g, ch_PP-OCRv3_rec_infer |
| `ppocr_mobile_v2.0_cls` | text direction classifier (0 / 180 degrees)  | h, ch_ppocr_mobile_v2.0_cls_infer |
| `PP-OCRv4_det`          | DB detector, PP-LCNetV3 x0.75 (fused), RSE-FPN | v4_det, ch_PP-OCRv4_det_infer |
| `PP-OCRv4_rec`          | SVTR_LCNetV3 recogniser x0.95 (fused), CTC branch | v4_rec, ch_PP-OCRv4_rec_infer |

The v4 graphs were exported after `rep()`: our model is built in its training form (so the
static parameter names line up) and re-parameterised before the weights are mapped
(`onnx_to_paddle.by_rep_static_name`); the cached `.pdparams` therefore hold the fused form.

`official(name)` builds our model from the official inference architecture, converts the
matching ONNX file of the pinned RapidOCR wheel into it (see `onnx_to_paddle.py` and
`cache.py`), saves the result once as `<OCRCOURSE_HOME>/weights/<name>.pdparams` and returns
its path. `build_official_model(name)` returns the model itself, in eval mode, weights loaded.

The inference configs below are mirrored, key for key, by `configs/inference/*.yml`. The rec
one has only the CTC branch of PP-OCRv3's MultiHead: the SAR branch (GTC, guided training of
CTC, Attention指导CTC训练) exists only in training; its 24.9 M parameters are not in the
inference graph.
"""
from __future__ import annotations

import copy
import logging
from pathlib import Path

import numpy as np

from ..dictionary import OFFICIAL_DICT_NAME
from ..errors import WeightsError
from . import cache
from .onnx_to_paddle import (ConversionReport, by_cls_v20_name, by_rep_static_name, by_static_name,
                             convert_weights, read_onnx_metadata)

__all__ = ["OFFICIAL", "official_config", "official", "official_dict_path", "conversion_report", "prepare",
           "prepare_all", "list_cached", "load_converted", "build_official_model"]

log = logging.getLogger(__name__)

_DET = {
    "Global": {"model_name": "PP-OCRv3_det", "det_limit_side_len": 960, "det_limit_type": "max"},
    "Architecture": {
        "model_type": "det", "algorithm": "DB",
        "Backbone": {"name": "MobileNetV3", "scale": 0.5, "model_name": "large", "disable_se": True},
        "Neck": {"name": "RSEFPN", "out_channels": 96, "shortcut": True},
        "Head": {"name": "DBHead", "k": 50},
    },
    "PostProcess": {"name": "DBPostProcess", "thresh": 0.3, "box_thresh": 0.6, "max_candidates": 1000,
                    "unclip_ratio": 1.5, "use_dilation": False, "score_mode": "fast", "box_type": "quad"},
}
_REC = {
    "Global": {"model_name": "PP-OCRv3_rec", "character_dict_path": "ppocr/utils/ppocr_keys_v1.txt",
               "use_space_char": True, "max_text_length": 25, "rec_image_shape": [3, 48, 320],
               "rec_batch_num": 6, "drop_score": 0.5},
    "Architecture": {
        "model_type": "rec", "algorithm": "SVTR",
        "Backbone": {"name": "MobileNetV1Enhance", "scale": 0.5, "last_conv_stride": [1, 2],
                     "last_pool_type": "avg"},
        "Head": {"name": "MultiHead", "out_channels_list": {"CTCLabelDecode": 6625},
                 "head_list": [{"CTCHead": {"Neck": {"name": "svtr", "dims": 64, "depth": 2,
                                                     "hidden_dims": 120, "use_guide": True},
                                            "Head": {"fc_decay": 1.0e-05}}}]},
    },
    "PostProcess": {"name": "CTCLabelDecode"},
}
_CLS = {
    "Global": {"model_name": "ppocr_mobile_v2.0_cls", "cls_image_shape": [3, 48, 192], "cls_batch_num": 6,
               "cls_thresh": 0.9},
    "Architecture": {
        "model_type": "cls", "algorithm": "CLS",
        "Backbone": {"name": "MobileNetV3", "scale": 0.35, "model_name": "small"},
        "Neck": None,
        "Head": {"name": "ClsHead", "class_dim": 2},
    },
    "PostProcess": {"name": "ClsPostProcess", "label_list": ["0", "180"]},
}

_DET_V4 = {
    "Global": {"model_name": "PP-OCRv4_det", "det_limit_side_len": 960, "det_limit_type": "max"},
    "Architecture": {
        "model_type": "det", "algorithm": "DB",
        "Backbone": {"name": "PPLCNetV3", "scale": 0.75, "det": True},
        "Neck": {"name": "RSEFPN", "out_channels": 96, "shortcut": True},
        "Head": {"name": "DBHead", "k": 50},
    },
    "PostProcess": dict(_DET["PostProcess"]),
}
_REC_V4 = {
    "Global": {**_REC["Global"], "model_name": "PP-OCRv4_rec"},
    "Architecture": {
        "model_type": "rec", "algorithm": "SVTR_LCNet",
        "Backbone": {"name": "PPLCNetV3", "scale": 0.95},
        "Head": {"name": "MultiHead", "out_channels_list": {"CTCLabelDecode": 6625},
                 "head_list": [{"CTCHead": {"Neck": {"name": "svtr", "dims": 120, "depth": 2,
                                                     "hidden_dims": 120, "kernel_size": [1, 3],
                                                     "use_guide": True},
                                            "Head": {"fc_decay": 1.0e-05}}}]},
    },
    "PostProcess": {"name": "CTCLabelDecode"},
}
# stride-2 depthwise layers of the v4 det backbone skip their activation (PaddleOCR: `stride != 2`)
_V4_DET_UNUSED_ACT = tuple(f"backbone.{stage}.0.dw_conv.act." for stage in ("blocks3", "blocks4", "blocks5", "blocks6"))

# name -> which wheel, where its weights are in it, how names map, what the inference graph lacks
OFFICIAL = {
    "PP-OCRv3_det": {
        "config": _DET, "config_file": "configs/inference/ch_PP-OCRv3_det_infer.yml",
        "onnx": "ch_PP-OCRv3_det_infer.onnx",
        "onnx_sha256": "3439588c030faea393a54515f51e983d8e155b19a2e8aba7891934c1cf0de526",
        "naming": by_static_name,
        "absent_ok": ("head.thresh.",),
        "absent_reason": "DB threshold branch: used only to train (DB loss on the threshold map); "
                         "the inference graph runs only head.binarize",
    },
    "PP-OCRv3_rec": {
        "config": _REC, "config_file": "configs/inference/ch_PP-OCRv3_rec_infer.yml",
        "onnx": "ch_PP-OCRv3_rec_infer.onnx",
        "onnx_sha256": "897a3ededb38fee0dae2c1ccee38241f37df202c9509e3abca02e9217c5ee615",
        "naming": by_static_name,
        "absent_ok": (), "absent_reason": "",
        "dictionary_in_metadata": True,      # the ONNX metadata `character` holds ppocr_keys_v1.txt
    },
    "ppocr_mobile_v2.0_cls": {
        "config": _CLS, "config_file": "configs/inference/ch_ppocr_mobile_v2.0_cls_infer.yml",
        "onnx": "ch_ppocr_mobile_v2.0_cls_infer.onnx",
        "onnx_sha256": "e47acedf663230f8863ff1ab0e64dd2d82b838fceb5957146dab185a89d6215c",
        "naming": by_cls_v20_name,
        "absent_ok": (), "absent_reason": "",
    },
    "PP-OCRv4_det": {
        "config": _DET_V4, "config_file": "configs/inference/ch_PP-OCRv4_det_infer.yml",
        "wheel": "1.4.4", "fused": True,
        "onnx": "ch_PP-OCRv4_det_infer.onnx",
        "onnx_sha256": "d2a7720d45a54257208b1e13e36a8479894cb74155a5efe29462512d42f49da9",
        "naming": by_rep_static_name,
        "absent_ok": ("head.thresh.",) + _V4_DET_UNUSED_ACT,
        "absent_reason": "DB threshold branch (training only) and the activations of the four stride-2 "
                         "depthwise layers, which PP-LCNetV3 builds but never runs",
    },
    "PP-OCRv4_rec": {
        "config": _REC_V4, "config_file": "configs/inference/ch_PP-OCRv4_rec_infer.yml",
        "wheel": "1.4.4", "fused": True,
        "onnx": "ch_PP-OCRv4_rec_infer.onnx",
        "onnx_sha256": "48fc40f24f6d2a207a2b1091d3437eb3cc3eb6b676dc3ef9c37384005483683b",
        "naming": by_rep_static_name,
        "absent_ok": (), "absent_reason": "",
    },
}


def _spec(name: str) -> dict:
    if name not in OFFICIAL:
        raise WeightsError(f"no official model {name!r}; available: {sorted(OFFICIAL)}")
    return OFFICIAL[name]


def official_config(name: str) -> dict:
    """A fresh copy of the official inference config (Global / Architecture / PostProcess)."""
    return copy.deepcopy(_spec(name)["config"])


def _build(name: str):
    """Our model for `name`, built in a fresh unique_name scope (so static names line up)."""
    import paddle

    from ..models import build_model

    # Tensors absent from the inference graph (the DB threshold branch) keep their initial values;
    # build under a fixed seed so they are the same in every build (an export cache keyed on the
    # weights then stays valid), and restore the caller's random state afterwards.
    from ..models import reparameterize

    state = paddle.get_rng_state()
    paddle.seed(0)
    try:
        with paddle.utils.unique_name.guard():
            model = build_model(official_config(name)["Architecture"])
            model.eval()
            if _spec(name).get("fused"):      # v4: the official weights exist only fused
                reparameterize(model)
    finally:
        paddle.set_rng_state(state)
    model.eval()
    return model


def _pdparams_path(name: str) -> Path:
    return cache.cache_dir() / f"{name}.pdparams"


def _is_current(path: Path, section: str, key: str) -> bool:
    entry = cache.read_manifest().get(section, {}).get(key)
    return path.is_file() and bool(entry) and cache.sha256_of(path) == entry.get("sha256")


def _wheel_version(name: str) -> str:
    return _spec(name).get("wheel", cache.WHEEL_VERSION)


def _onnx_file(name: str) -> Path:
    spec = _spec(name)
    wheel = cache.ensure_wheel(_wheel_version(name))
    member = f"{cache.WHEEL_PACKAGE}/models/{spec['onnx']}"
    return cache.extract_member(wheel, member, cache.cache_dir() / "onnx" / spec["onnx"], spec["onnx_sha256"])


def prepare(name: str) -> dict:
    """Fetch, extract and convert one official model (always redone); returns its manifest entry.

    `official(name)` calls this only when needed, holding the cache lock; call it directly to
    redo a conversion (e.g. after changing a model class), ideally inside `cache.cache_lock()`.
    """
    import paddle

    spec = _spec(name)
    onnx_path = _onnx_file(name)
    model = _build(name)
    state, report = convert_weights(model, str(onnx_path), spec["naming"], absent_ok=spec["absent_ok"],
                                    absent_reason=spec["absent_reason"])
    out = _pdparams_path(name)
    arrays = {k: np.ascontiguousarray(v) for k, v in state.items()}   # numpy: the file is byte-identical
    cache.atomic_write(out, lambda tmp: paddle.save(arrays, tmp))      # each time (paddle.load gives tensors)
    entry = {"file": out.name, "sha256": cache.sha256_of(out), "onnx": f"onnx/{spec['onnx']}",
             "onnx_sha256": spec["onnx_sha256"], "wheel": cache.wheel_file(_wheel_version(name)),
             "wheel_sha256": cache.WHEELS[_wheel_version(name)], "fused": bool(spec.get("fused")),
             "report": report.to_dict()}
    cache.update_manifest("models", name, entry)
    log.info("%s: %s", name, report.summary())
    if spec.get("dictionary_in_metadata"):
        _write_official_dict(onnx_path)
    return entry


def _write_official_dict(onnx_path: Path) -> Path:
    """Save the dictionary carried in the rec ONNX metadata (key `character`) as ppocr_keys_v1.txt."""
    chars = read_onnx_metadata(str(onnx_path)).get("character")
    if not chars:
        raise WeightsError(f"{onnx_path} carries no `character` metadata; delete it and run "
                           "`ocrcourse weights --prepare` again")
    out = cache.cache_dir() / OFFICIAL_DICT_NAME
    cache.atomic_write(out, lambda tmp: Path(tmp).write_bytes((chars + "\n").encode("utf-8")))
    cache.update_manifest("dicts", OFFICIAL_DICT_NAME, {"file": out.name, "sha256": cache.sha256_of(out),
                                                        "source": f"metadata 'character' of {onnx_path.name}",
                                                        "lines": len(chars.split("\n"))})
    return out


def official(name: str) -> str:
    """Path of the official `.pdparams` for `name`, converted on first use.

    Args:
        name: `"PP-OCRv3_det"`, `"PP-OCRv3_rec"`, `"ppocr_mobile_v2.0_cls"`, `"PP-OCRv4_det"` or
            `"PP-OCRv4_rec"`.

    Raises:
        WeightsError: unknown name; offline with no cached wheel (the message says what to do);
            a damaged download; an architecture that does not fit the official graph.
    """
    _spec(name)
    path = _pdparams_path(name)
    if not _is_current(path, "models", name):
        with cache.cache_lock():
            if not _is_current(path, "models", name):    # another process may have done it
                prepare(name)
    return str(path)


def official_backbone(name: str = "PP-OCRv3_det") -> str:
    """Path of a `.pdparams` holding only the `backbone.*` tensors of official model `name` (written
    once next to it). Loaded as `Global.pretrained_model`, it stands in for the ImageNet-pretrained
    backbone PaddleOCR's guides start from: the neck and head start random (lesson 07)."""
    import paddle

    source = Path(official(name))
    path = source.with_name(f"{source.stem}_backbone.pdparams")
    if not path.is_file() or path.stat().st_mtime < source.stat().st_mtime:
        state = paddle.load(str(source))
        kept = {k: v for k, v in state.items() if k.startswith("backbone.")}
        cache.atomic_write(path, lambda tmp: paddle.save(kept, tmp))
    return str(path)


def official_dict_path() -> str:
    """Path of the official Chinese dictionary `ppocr_keys_v1.txt` (6623 lines), saved from the
    metadata of the official PP-OCRv3 rec ONNX file; prepared on first use."""
    path = cache.cache_dir() / OFFICIAL_DICT_NAME
    if not _is_current(path, "dicts", OFFICIAL_DICT_NAME):
        with cache.cache_lock():
            if not _is_current(path, "dicts", OFFICIAL_DICT_NAME):
                _write_official_dict(_onnx_file("PP-OCRv3_rec"))
    return str(path)


def conversion_report(name: str) -> ConversionReport:
    """What the conversion of `name` loaded, with which offsets, and what the graph lacked."""
    official(name)
    return ConversionReport(**cache.read_manifest()["models"][name]["report"])


def prepare_all() -> dict:
    """Make sure all official models (v3, v4 and the classifier) and the dictionary are cached.

    Returns:
        {name: manifest entry} with file names, sha256 and the conversion report of each.
    """
    for name in OFFICIAL:
        official(name)
    official_dict_path()
    return cache.read_manifest().get("models", {})


def list_cached() -> list[dict]:
    """Every file of the weights cache: `{"file", "bytes", "sha256", "status"}`.

    `status` is `ok` when the file matches its pinned or recorded sha256, `changed` when it does
    not (it will be redone on next use), and `extra` for files the cache does not know.
    """
    folder = cache.cache_dir()
    if not folder.is_dir():
        return []
    manifest = cache.read_manifest()
    expected = {f"wheels/{cache.wheel_file(v)}": digest for v, digest in cache.WHEELS.items()}
    expected.update({f"onnx/{s['onnx']}": s["onnx_sha256"] for s in OFFICIAL.values()})
    for section in ("models", "dicts"):
        expected.update({e["file"]: e["sha256"] for e in manifest.get(section, {}).values()})
    rows = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")):
        rel = path.relative_to(folder).as_posix()
        if rel == "manifest.json" or rel.endswith(".part"):
            continue
        digest = cache.sha256_of(path)
        status = "extra" if rel not in expected else ("ok" if expected[rel] == digest else "changed")
        rows.append({"file": rel, "bytes": path.stat().st_size, "sha256": digest, "status": status})
    return rows


def load_converted(model, path: str, absent_ok: tuple[str, ...] = ()) -> list[str]:
    """Load a converted `.pdparams` strictly: every key present and every shape equal.

    Keys starting with one of `absent_ok` may be missing (they keep their initial values); they
    are returned so the caller can report them.

    Raises:
        WeightsError: unreadable or truncated file, unknown key, missing key, or shape mismatch.
    """
    import paddle

    try:
        state = paddle.load(str(path))
    except Exception as e:  # truncated pickle, not a pdparams file, ...
        raise WeightsError(f"cannot read weights file {path} ({type(e).__name__}: {e}); it is truncated "
                           "or not a .pdparams file. Delete it; `official()` converts it again.") from e
    if not isinstance(state, dict):
        raise WeightsError(f"{path} holds a {type(state).__name__}, not a state dict of tensors")
    ours = model.state_dict()
    unknown = sorted(set(state) - set(ours))
    missing = sorted(set(ours) - set(state))
    absent = [k for k in missing if k.startswith(absent_ok)]
    missing = [k for k in missing if not k.startswith(absent_ok)]
    wrong = [f"{k}: file {list(state[k].shape)}, model {list(ours[k].shape)}"
             for k in ours if k in state and list(state[k].shape) != list(ours[k].shape)]
    if unknown or missing or wrong:
        raise WeightsError(f"{path} does not fit the model: " + "; ".join(
            part for part in (f"shape mismatches {wrong[:5]}" if wrong else "",
                              f"missing keys {missing[:5]} ({len(missing)} in all)" if missing else "",
                              f"unexpected keys {unknown[:5]} ({len(unknown)} in all)" if unknown else "")
            if part))
    state = dict(state)
    state.update({k: ours[k] for k in absent})   # keep initial values (and skip Paddle's warnings)
    model.set_state_dict(state)
    return absent


def build_official_model(name: str):
    """Our model with the official weights, in eval mode (converted and cached on first use)."""
    path = official(name)
    model = _build(name)
    absent = load_converted(model, path, absent_ok=_spec(name)["absent_ok"])
    if absent:
        log.debug("%s: %d tensors not in the official inference weights, kept at initial values (%s)",
                 name, len(absent), _spec(name)["absent_reason"])
    model.eval()
    return model
