"""From a YAML `transforms:` list to op objects, and running them on a sample.

    ops = create_operators([{"DecodeImage": {"img_mode": "BGR"}}, {"DetLabelEncode": None}])
    data = transform({"image": open(path, "rb").read(), "label": line_label}, ops)

The same two functions as PaddleOCR's `ppocr.data.imaug`, so lessons and tests can run any
YAML pipeline by hand.
"""
from __future__ import annotations

from ocrcourse.errors import ConfigError
from ocrcourse.registry import build, globals_for
from .transforms import TRANSFORMS
from .transforms.iaa_augment import IaaAugment, apply_pending_warp
from .transforms.random_crop import EastRandomCropData

__all__ = ["create_operators", "transform"]


def transform(data: dict, ops: list):
    """Apply `ops` in order; None as soon as one op drops the sample (PaddleOCR's `transform`).

    Running only part of a pipeline (`ops[:4]`) is safe: a warp IaaAugment left for the crop that
    would have followed is applied at the end.
    """
    for op in ops:
        data = op(data)
        if data is None:
            return None
    return apply_pending_warp(data)


def create_operators(op_configs: list, global_config: dict | None = None) -> list:
    """Build the ops of a YAML `transforms:` list, e.g. `[{"DecodeImage": {"img_mode": "BGR"}}, ...]`.

    Each entry is a one-key dict `{Name: {arg: value}}` (or `{Name: None}`); Name is looked up in
    `TRANSFORMS`. Values of `global_config` (the YAML `Global` section: character_dict_path,
    max_text_length, use_space_char, ...) are added only for the arguments the op names (an op's
    own value wins over Global's; PaddleOCR lets Global win, no official config sets both).
    One optimisation: an IaaAugment directly followed by EastRandomCropData hands its warp to the
    crop (see `IaaAugment`): same geometry and random draws, about half the time.
    """
    if not isinstance(op_configs, list):
        raise ConfigError(f"transforms must be a list of one-key dicts, got {type(op_configs).__name__}")
    ops = []
    for k, entry in enumerate(op_configs):
        if not isinstance(entry, dict) or len(entry) != 1:
            raise ConfigError(f"transforms[{k}] must be a one-key dict like {{DecodeImage: {{img_mode: BGR}}}}, "
                              f"got {entry!r}")
        (name, args), = entry.items()
        if args is not None and not isinstance(args, dict):
            raise ConfigError(f"transforms[{k}] {name}: arguments must be a mapping, got {args!r}")
        cfg = {"name": name, **(args or {})}
        wired = globals_for(TRANSFORMS[name], global_config) if name in TRANSFORMS else {}
        wired = {key: v for key, v in wired.items() if key not in cfg}   # the op's own value wins
        ops.append(build(TRANSFORMS, cfg, kind="Transform", **wired))
    for op, following in zip(ops, ops[1:]):
        # speed: IaaAugment's warp is done by the crop that follows, in the same cv2.warpAffine
        if isinstance(op, IaaAugment) and isinstance(following, EastRandomCropData):
            op.hand_warp_to_crop = True
    return ops
