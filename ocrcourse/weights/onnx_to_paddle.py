"""Read the weights out of an official PP-OCR ONNX graph and match them to our Paddle model.

The ONNX files shipped by RapidOCR were exported from PaddleOCR's inference models with
paddle2onnx. Every weight is a `Constant` node whose output is named after Paddle's *static
parameter name*: `conv2d_5.w_0` (a conv weight), `batch_norm_3.w_1` (a BN running mean),
`linear_13.b_0` (a fully-connected bias) ... These names come from Paddle's `unique_name`
counter: `Conv2D` layers are named `conv2d_0`, `conv2d_1`, ... in the order they are built,
and each layer family (conv2d, batch_norm, linear, ...) counts on its own. So if we build our
model in a fresh `paddle.utils.unique_name.guard()`, each of our tensors gets the name the same
tensor had in PaddleOCR, up to a constant shift per layer family (facts §13):

    onnx index = our index + offset[family],   offset = min index in ONNX - min index in ours

The shift is 0 for the PP-OCRv3 detector. For the PP-OCRv3 recogniser it is not: the exported
model was the Student of a distillation model whose Teacher was built first, so the Student's
convolutions start at `conv2d_37`. The old v2.0 direction classifier was written with explicit
names (`conv3_depthwise_weights`, `conv_last_bn_scale`, ...), which `cls_v20_name` rebuilds
from our state_dict keys.

Every tensor is then checked: names present on both sides, shapes equal. What the inference
graph does not contain (the DB threshold branch, used only in training) is reported and left
at the model's initial values, never filled with zeros. Matrices need no transposition:
Paddle stores `Linear` weights as [in, out], and so does the exported MatMul.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ..errors import WeightsError

__all__ = ["ConversionReport", "read_onnx_weights", "read_onnx_metadata", "static_names",
           "offset_names", "cls_v20_name", "by_static_name", "by_cls_v20_name", "by_rep_static_name",
           "convert_weights"]

# `conv2d_5.w_0` -> family `conv2d`, index 5, kind `w_0`
_STATIC_NAME = re.compile(r"(?P<family>[a-z][a-z0-9_]*?)_(?P<index>\d+)\.(?P<kind>[wb]_\d+)")
# paddle2onnx helper constants (reshape targets, scalars): not weights
_HELPER_CONSTANT = re.compile(r"Constant[_@]\d+|.*\.tmp_\d+|p2o\.helper\.constant\.\d+")


@dataclass
class ConversionReport:
    """What a conversion did, for the manifest and for a learner to read.

    Attributes:
        onnx_file: the ONNX file the weights came from.
        loaded: number of state_dict entries filled from the ONNX graph.
        offsets: per-family index shift used for static names (empty for explicit names).
        absent: state_dict keys with no tensor in the inference graph (kept at initial values).
        absent_reason: why those are absent (e.g. "training-only DB threshold branch").
    """

    onnx_file: str
    loaded: int = 0
    offsets: dict = field(default_factory=dict)
    absent: list = field(default_factory=list)
    absent_reason: str = ""

    def to_dict(self) -> dict:
        return {"onnx_file": self.onnx_file, "loaded": self.loaded, "offsets": dict(self.offsets),
                "absent": list(self.absent), "absent_reason": self.absent_reason}

    def summary(self) -> str:
        text = f"{self.loaded} tensors loaded from {self.onnx_file}"
        if self.offsets:
            text += f" (static-name offsets {self.offsets})"
        if self.absent:
            text += (f"; {len(self.absent)} not in the inference graph, kept at their initial values"
                     f" ({self.absent_reason}): {', '.join(self.absent[:4])}"
                     + (", ..." if len(self.absent) > 4 else ""))
        return text


def _load_onnx(path: str):
    import onnx   # imported here: only conversion needs it

    try:
        return onnx.load(str(path))
    except Exception as e:   # truncated download, not an ONNX file, ...
        raise WeightsError(f"cannot read ONNX file {path}: {e}. Delete it and run "
                           "`ocrcourse weights --prepare` to extract it again.") from e


def read_onnx_weights(path: str) -> dict[str, np.ndarray]:
    """All weight tensors of an ONNX graph by name (initializers and named `Constant` nodes)."""
    from onnx import numpy_helper

    model = _load_onnx(path)
    weights = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    for node in model.graph.node:
        if node.op_type != "Constant" or _HELPER_CONSTANT.fullmatch(node.output[0]):
            continue
        value = next((a for a in node.attribute if a.name == "value"), None)
        if value is not None:
            weights[node.output[0]] = numpy_helper.to_array(value.t)
    return weights


def read_onnx_metadata(path: str) -> dict[str, str]:
    """The `metadata_props` of an ONNX file (the PP-OCRv3 rec file keeps its dictionary there)."""
    return {p.key: p.value for p in _load_onnx(path).metadata_props}


def static_names(model) -> dict[str, str]:
    """state_dict key -> Paddle static name (`conv2d_5.w_0`) of each tensor of `model`.

    Meaningful only if `model` was built inside a fresh `paddle.utils.unique_name.guard()`.
    """
    return {key: tensor.name for key, tensor in model.state_dict().items()}


def offset_names(names: dict[str, str], onnx_names) -> tuple[dict[str, str], dict[str, int]]:
    """Shift each family's index so that ours starts where the ONNX graph's starts (facts §13).

    Args:
        names: state_dict key -> our static name (from `static_names`).
        onnx_names: the weight names found in the ONNX graph.

    Returns:
        (state_dict key -> ONNX name, {family: offset}).
    """
    def min_index(all_names):
        lowest: dict[str, int] = {}
        for name in all_names:
            m = _STATIC_NAME.fullmatch(name)
            if m:
                fam, idx = m["family"], int(m["index"])
                lowest[fam] = min(idx, lowest.get(fam, idx))
        return lowest

    ours, theirs = min_index(names.values()), min_index(onnx_names)
    offsets = {fam: theirs[fam] - ours[fam] for fam in ours if fam in theirs}
    mapped = {}
    for key, name in names.items():
        m = _STATIC_NAME.fullmatch(name)
        if m is None:
            raise WeightsError(f"{key}: static name {name!r} is not of the form family_N.w_M; was "
                               "the model built with an explicit ParamAttr name?")
        shift = offsets.get(m["family"], 0)
        mapped[key] = f"{m['family']}_{int(m['index']) + shift}.{m['kind']}"
    return mapped, offsets


# BN / conv suffixes of the explicit names in PaddleOCR's 2.0-era MobileNetV3
_CLS_SUFFIX = {"conv.weight": "_weights", "bn.weight": "_bn_scale", "bn.bias": "_bn_offset",
               "bn._mean": "_bn_mean", "bn._variance": "_bn_variance"}
_CLS_BLOCK_PART = {"expand_conv": "expand", "bottleneck_conv": "depthwise", "linear_conv": "linear"}


def cls_v20_name(key: str) -> str:
    """ONNX name of one state_dict key of the v2.0 direction classifier (MobileNetV3 small x0.35).

    `backbone.conv1.*` -> `conv1_*`; `backbone.blocks.j.<part>.*` -> `conv{j+2}_<part>_*` with
    parts expand / depthwise / linear / se_1 / se_2; `backbone.conv2.*` -> `conv_last_*`;
    `head.fc.*` -> `fc_0.w_0` / `fc_0.b_0`.
    """
    if key in ("head.fc.weight", "head.fc.bias"):
        return "fc_0.w_0" if key.endswith("weight") else "fc_0.b_0"
    m = re.fullmatch(r"backbone\.blocks\.(\d+)\.mid_se\.conv([12])\.(weight|bias)", key)
    if m:
        return f"conv{int(m[1]) + 2}_se_{m[2]}_" + ("weights" if m[3] == "weight" else "offset")
    m = re.fullmatch(r"backbone\.blocks\.(\d+)\.(\w+)\.((?:conv|bn)\.\w+)", key)
    if m and m[2] in _CLS_BLOCK_PART and m[3] in _CLS_SUFFIX:
        return f"conv{int(m[1]) + 2}_{_CLS_BLOCK_PART[m[2]]}{_CLS_SUFFIX[m[3]]}"
    m = re.fullmatch(r"backbone\.(conv1|conv2)\.((?:conv|bn)\.\w+)", key)
    if m and m[2] in _CLS_SUFFIX:
        return ("conv1" if m[1] == "conv1" else "conv_last") + _CLS_SUFFIX[m[2]]
    raise WeightsError(f"no v2.0 classifier name for state_dict key {key!r}: the model does not have "
                       "the structure of ch_ppocr_mobile_v2.0_cls (MobileNetV3 small + ClsHead)")


def by_static_name(model, onnx_names) -> tuple[dict[str, str], dict[str, int]]:
    """Naming rule of the PP-OCRv3 det and rec graphs: static names plus per-family offsets."""
    return offset_names(static_names(model), onnx_names)


def by_cls_v20_name(model, onnx_names) -> tuple[dict[str, str], dict[str, int]]:
    """Naming rule of the v2.0 direction classifier graph: explicit names, no offsets."""
    return {key: cls_v20_name(key) for key in model.state_dict()}, {}


# Learnable affine blocks of PP-LCNetV3, as the v4 graphs name them (facts: PP-OCRv4 section):
# the exporting code's classes were called MobileOneBlock (the re-parameterisable conv, own
# scale / bias) and WHSwish_B (hardswish + scale / bias), so those are the families in the graph.
_LAB_FAMILIES = ((".lab.", "mobile_one_block"), (".act.lab.", "whswish_b"))


def _indices(names) -> dict[str, list[int]]:
    """{family: sorted indices} of the static names among `names`."""
    found: dict[str, set] = {}
    for name in names:
        m = _STATIC_NAME.fullmatch(name)
        if m:
            found.setdefault(m["family"], set()).add(int(m["index"]))
    return {family: sorted(idx) for family, idx in found.items()}


def by_rep_static_name(model, onnx_names) -> tuple[dict[str, str], dict[str, int]]:
    """Naming rule of the PP-OCRv4 det and rec graphs, exported after `rep()` (fused convs).

    `model` must be built in a fresh `unique_name.guard()` and re-parameterised inside it
    (`ocrcourse.models.reparameterize`). Three kinds of tensors:

    - `*.reparam_conv.*`, the fused convs that `rep()` creates after the whole model was built:
      they hold the highest conv2d indices on both sides, so their offset is
      (lowest of the graph's top-n conv2d indices) - (lowest of ours), n = number of fused convs;
    - the learnable affine scalars (`*.lab.scale|bias`, `*.act.lab.scale|bias`) of the k-th
      LearnableRepLayer, named `mobile_one_block_k.w_0|1` and `whswish_b_k.w_0|1` (plus an offset);
    - everything else (stem, SE, det projections, neck, head): static names with per-family
      offsets as for v3, but one offset per part (backbone, neck, head), each part starting at
      the graph's next index after the previous part's last. The rec graph needs this: its
      exporting code built one conv2d more than PaddleOCR's source between backbone and head
      (an unused layer, not in the graph), so its head convs are shifted by 11, the backbone's by 10.

    Every mapped tensor is then checked by name and shape in `convert_weights`, and the parity
    tests compare outputs, so a wrong shift cannot pass silently.
    """
    from ..models.backbones.rec_lcnetv3 import LearnableRepLayer

    names = static_names(model)
    reps = [prefix for prefix, layer in model.named_sublayers() if isinstance(layer, LearnableRepLayer)]
    lab = {}
    for k, prefix in enumerate(reps):
        for part, family in _LAB_FAMILIES:
            lab[f"{prefix}{part}scale"] = f"{family}_{k}.w_0"
            lab[f"{prefix}{part}bias"] = f"{family}_{k}.w_1"
    fused = {key: name for key, name in names.items() if ".reparam_conv." in key}
    theirs = _indices(onnx_names)
    n_fused = len(_indices(fused.values()).get("conv2d", []))
    fused_theirs = theirs.get("conv2d", [])[-n_fused:] if n_fused else []
    theirs["conv2d"] = [i for i in theirs.get("conv2d", []) if i not in set(fused_theirs)]

    mapped, offsets, last = {}, {}, {}
    for part in dict.fromkeys(key.split(".")[0] for key in names):       # backbone, neck, head
        keys = {key: lab.get(key, name) for key, name in names.items()
                if key.split(".")[0] == part and key not in fused}
        for family, ours in _indices(keys.values()).items():
            later = [i for i in theirs.get(family, []) if i > last.get(family, -1)]
            shift = (later[0] - ours[0]) if later else 0
            offsets[f"{part}/{family}"] = shift
            last[family] = ours[-1] + shift
        for key, name in keys.items():
            m = _STATIC_NAME.fullmatch(name)
            if m is None:
                raise WeightsError(f"{key}: static name {name!r} is not of the form family_N.w_M")
            shift = offsets[part + "/" + m["family"]]
            mapped[key] = f"{m['family']}_{int(m['index']) + shift}.{m['kind']}"
    if fused:
        ours = _indices(fused.values())["conv2d"]
        shift = (fused_theirs[0] - ours[0]) if fused_theirs else 0
        offsets["conv2d (fused by rep)"] = shift
        for key, name in fused.items():
            m = _STATIC_NAME.fullmatch(name)
            mapped[key] = f"conv2d_{int(m['index']) + shift}.{m['kind']}"
    return mapped, offsets


def _same_but_singletons(a, b) -> bool:
    """Shapes that differ only by axes of size 1 ([1, 24, 1, 1] and [24])."""
    return [d for d in a if d != 1] == [d for d in b if d != 1] and list(a) != list(b)


def convert_weights(model, onnx_path: str, naming: Callable[[object, list], tuple[dict, dict]],
                    absent_ok: tuple[str, ...] = (), absent_reason: str = ""):
    """Fill a state_dict for `model` from an ONNX graph, checking every name and shape.

    Args:
        model: our Paddle model (built in a fresh `unique_name.guard()` for static naming).
        onnx_path: the official ONNX file.
        naming: `(model, onnx_names) -> ({key: onnx_name}, offsets)`: `by_static_name` or
            `by_cls_v20_name`.
        absent_ok: key prefixes allowed to be missing from the graph (e.g. `"head.thresh."`).
        absent_reason: why they are missing, for the report.

    Returns:
        (state dict {key: numpy array}, ConversionReport). Absent tensors are not in the dict.

    Raises:
        WeightsError: a tensor missing from the graph outside `absent_ok`, a graph tensor no
            model tensor maps to, or any shape mismatch (all listed in the message).
    """
    onnx_weights = read_onnx_weights(onnx_path)
    key_to_onnx, offsets = naming(model, list(onnx_weights))
    ours = model.state_dict()
    state, absent, missing, wrong = {}, [], [], []
    for key, tensor in ours.items():
        name = key_to_onnx[key]
        if name not in onnx_weights:
            (absent if key.startswith(absent_ok) else missing).append(key)
            continue
        value = onnx_weights[name]
        if _same_but_singletons(value.shape, tensor.shape):   # v4 graphs: deconv bias as [1, C, 1, 1]
            value = value.reshape(tensor.shape)
        if list(value.shape) != list(tensor.shape):
            wrong.append(f"{key} <- {name}: model {list(tensor.shape)}, ONNX {list(value.shape)}")
            continue
        state[key] = value.astype(np.float32, copy=False)
    unused = sorted(set(onnx_weights) - set(key_to_onnx.values()))
    problems = []
    if wrong:
        problems.append(f"{len(wrong)} shape mismatches: " + "; ".join(wrong[:5]))
    if missing:
        problems.append(f"{len(missing)} model tensors not in the graph: " + ", ".join(missing[:5]))
    if unused:
        problems.append(f"{len(unused)} graph tensors unused: " + ", ".join(unused[:5]))
    if problems:
        raise WeightsError(f"{onnx_path} does not fit this model's architecture: " + " | ".join(problems)
                           + ". Build the model from the official inference config "
                           "(ocrcourse.weights.official_config) inside a fresh unique_name.guard().")
    report = ConversionReport(onnx_file=str(onnx_path), loaded=len(state), offsets=offsets,
                              absent=absent, absent_reason=absent_reason if absent else "")
    return state, report
