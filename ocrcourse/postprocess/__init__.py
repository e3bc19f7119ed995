"""Post-processing: model outputs -> boxes, texts, directions (the YAML `PostProcess` section).

`build_postprocess(cfg, global_cfg)` builds one entry of the `POSTPROCESSES` registry below.
As in PaddleOCR, `Global` keys (`character_dict_path`, `use_space_char`) are passed to the class
too — but only the ones its signature names (`registry.globals_for`), and they win over the
section's own values, as PaddleOCR's `config.update(global_config)` does.
"""
from __future__ import annotations

from ..registry import build, globals_for
from .cls_postprocess import ClsPostProcess
from .ctc_decode import CTCLabelDecode, DistillationCTCLabelDecode, decode_ctc
from .db_postprocess import DBPostProcess, DistillationDBPostProcess

POSTPROCESSES = {
    "DBPostProcess": DBPostProcess,
    "DistillationDBPostProcess": DistillationDBPostProcess,
    "CTCLabelDecode": CTCLabelDecode,
    "DistillationCTCLabelDecode": DistillationCTCLabelDecode,
    "ClsPostProcess": ClsPostProcess,
}

__all__ = ["POSTPROCESSES", "build_postprocess", "DBPostProcess", "DistillationDBPostProcess",
           "CTCLabelDecode", "DistillationCTCLabelDecode", "ClsPostProcess", "decode_ctc"]


def build_postprocess(cfg: dict, global_cfg: dict | None = None):
    """Build the post-process named by `cfg["name"]`, e.g. a PaddleOCR `PostProcess` section."""
    cls = POSTPROCESSES.get(cfg.get("name")) if isinstance(cfg, dict) else None
    if cls is None or not global_cfg:
        return build(POSTPROCESSES, cfg, kind="PostProcess")
    return build(POSTPROCESSES, {**cfg, **globals_for(cls, global_cfg)}, kind="PostProcess")
