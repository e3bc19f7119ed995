"""Per-stage output shapes and parameter counts of a model, as a table.

Lessons 02 and 03 print what each backbone stage and neck produces:

    from ocrcourse import viz
    viz.feature_shapes(model, image_size=(640, 640))      # pandas DataFrame
    viz.show_feature_shapes(model.backbone)               # the same, printed

A zero image is pushed through the model in eval mode under `paddle.no_grad()`; forward hooks
record what each part returns. The model's train/eval mode is restored afterwards.
"""
from __future__ import annotations

import paddle
from paddle import nn

__all__ = ["count_parameters", "feature_shapes", "show_feature_shapes"]


def count_parameters(layer: nn.Layer, trainable_only: bool = True) -> int:
    """Number of parameter values in `layer`.

    With `trainable_only` the BatchNorm running mean/variance (non-trainable parameters in
    Paddle) and frozen sub-models are left out; PaddleOCR's size figures count this way.
    """
    return sum(int(p.numel()) for p in layer.parameters() if p.trainable or not trainable_only)


def _shape_of(out):
    """Tensor -> [N, C, H, W]; lists and dicts of tensors -> the same structure of shapes."""
    if isinstance(out, paddle.Tensor):
        return list(out.shape)
    if isinstance(out, (list, tuple)):
        return [_shape_of(o) for o in out]
    if isinstance(out, dict):
        return {k: _shape_of(v) for k, v in out.items()}
    return type(out).__name__


def _parts(layer: nn.Layer, prefix: str = ""):
    """(name, layer) pairs worth a row: a model's backbone stages, neck and head; the sub-models
    of a distillation model; otherwise the direct children (LayerLists unrolled)."""
    children = dict(layer.named_children())
    if "backbone" in children:                                   # BaseModel
        for name, child in _parts(children["backbone"], prefix + "backbone."):
            yield name, child
        for part in ("neck", "head"):
            if part in children:
                yield prefix + part, children[part]
        return
    if getattr(layer, "model_names", None):                      # DistillationModel
        for name in layer.model_names:
            yield from _parts(children[name], f"{prefix}{name}.")
        return
    for name, child in children.items():
        if isinstance(child, nn.LayerList):                      # not called itself: unroll
            for i, item in enumerate(child):
                yield f"{prefix}{name}.{i}", item
        else:
            yield prefix + name, child


def feature_shapes(model_or_layer: nn.Layer, image_size=(640, 640), in_channels: int = 3):
    """Run one zero image through `model_or_layer` and tabulate what each part outputs.

    Args:
        model_or_layer: a BaseModel / DistillationModel (rows: backbone stages, neck, head), or
            any Layer taking an image batch (rows: its direct children), e.g. `model.backbone`.
        image_size: (H, W) of the input; (640, 640) for det, e.g. (48, 320) for rec.
        in_channels: channels of the input image.

    Returns:
        pandas DataFrame indexed by layer name with columns `type`, `output_shape` (a list
        [N, C, H, W]; nested for parts returning several maps; "not run" for parts unused in
        eval, such as the DB threshold branch) and `params` (trainable parameter count),
        ending with a "(total)" row for the whole model.
    """
    import pandas as pd   # only needed here; keeps `import ocrcourse.viz` light

    outputs, hooks = {}, []
    parts = list(_parts(model_or_layer))
    for name, layer in parts:
        def record(_layer, _inputs, out, name=name):
            outputs.setdefault(name, _shape_of(out))
        hooks.append(layer.register_forward_post_hook(record))
    was_training = model_or_layer.training
    model_or_layer.eval()
    try:
        with paddle.no_grad():
            final = model_or_layer(paddle.zeros([1, in_channels, *image_size]))
    finally:
        for hook in hooks:
            hook.remove()
        if was_training:
            model_or_layer.train()

    rows = [{"layer": name, "type": type(layer).__name__, "output_shape": outputs.get(name, "not run"),
             "params": count_parameters(layer)} for name, layer in parts]
    rows.append({"layer": "(total)", "type": type(model_or_layer).__name__,
                 "output_shape": _shape_of(final), "params": count_parameters(model_or_layer)})
    return pd.DataFrame(rows).set_index("layer")


def show_feature_shapes(model_or_layer: nn.Layer, image_size=(640, 640), in_channels: int = 3) -> None:
    """Print `feature_shapes(...)` as a plain-text table."""
    table = feature_shapes(model_or_layer, image_size=image_size, in_channels=in_channels)
    print(table.to_string(formatters={"params": "{:,}".format}))
