"""The blocks of a detection neck, level by level, with the shapes a real forward pass gives them.

A neck (DBFPN, RSE-FPN, LK-PAN; lesson 03) takes the backbone's four maps c2..c5 (strides 4-32) and
applies convs per level: a lateral conv (`in*_conv` / `ins_conv`) to a common width, the top-down sum,
a smoothing conv (`p*_conv` / `inp_conv`) to a quarter of the width, and for LK-PAN a bottom-up path
(`pan_head_conv`, stride 2, then `pan_lat_conv`). `trace_neck` hooks every conv-level child of a built
neck, runs zeros of the backbone's shapes through it and records, in call order, each block's name,
class, kernel and its input/output shape; `draw_necks` draws one panel per neck, one row per stride,
the blocks of that level left to right in the order they ran, ending in the upsample + concat that
makes the neck's output.

    from ocrcourse.viz.necks import draw_necks
    draw_necks({"DBFPN": dbfpn, "RSE-FPN": rsefpn, "LK-PAN": lkpan}, in_channels=[16, 24, 56, 480])

Nothing is typed by hand: names, kernels and shapes come from the modules and the forward pass.
Sizes follow `viz.style` (text >= 9 pt at 100 dpi, at most 10 inches wide).
"""
from __future__ import annotations

from dataclasses import dataclass

from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

__all__ = ["Block", "trace_neck", "draw_necks"]

STRIDES = (4, 8, 16, 32)


@dataclass
class Block:
    """One conv block of a neck as it ran: `stride` of its output, shapes without the batch axis."""
    name: str
    kind: str
    kernel: int | None
    stride: int
    in_shape: list
    out_shape: list


def _kernel(layer) -> int | None:
    import paddle

    convs = [layer] if isinstance(layer, paddle.nn.Conv2D) else \
        [s for s in layer.sublayers() if isinstance(s, paddle.nn.Conv2D)]
    return int(convs[0].weight.shape[-1]) if convs else None


def trace_neck(neck, in_channels, side: int = 128) -> tuple[list[Block], list]:
    """Run `neck` on zeros shaped like a backbone's c2..c5 for a `side` x `side` image.

    Returns (blocks in call order, output shape without batch). A block is a direct child of the
    neck, or an item of a child LayerList (`ins_conv.3`); its stride is `side` / its output height."""
    import paddle

    records, hooks = [], []
    for name, child in neck.named_children():
        items = list(child.named_children()) if isinstance(child, paddle.nn.LayerList) else [("", child)]
        for sub, layer in items:
            full = f"{name}.{sub}" if sub else name

            def hook(layer, inputs, output, full=full):
                records.append(Block(full, type(layer).__name__, _kernel(layer), side // int(output.shape[2]),
                                     list(inputs[0].shape[1:]), list(output.shape[1:])))
            hooks.append(layer.register_forward_post_hook(hook))
    was_training = neck.training
    neck.eval()
    try:
        with paddle.no_grad():
            out = neck([paddle.zeros([1, c, side // s, side // s]) for c, s in zip(in_channels, STRIDES)])
    finally:
        for h in hooks:
            h.remove()
        neck.train() if was_training else neck.eval()
    return records, list(out.shape[1:])


def side_of(b: Block) -> int:
    """Stride of a block's input (its output stride times the downsampling it did)."""
    return b.stride * b.out_shape[1] // b.in_shape[1]


def _label(b: Block) -> str:
    k = f" {b.kernel}×{b.kernel}" if b.kernel else ""
    came = f", from s{side_of(b)}" if b.in_shape[1] > b.out_shape[1] else ""
    return f"{b.name}\n{b.kind}{k}{came}\n{b.in_shape[0]}→{b.out_shape[0]} ch, {b.out_shape[1]}×{b.out_shape[2]}"


def draw_necks(necks: dict, in_channels, side: int = 128, width: float = 9.5) -> Figure:
    """One panel per neck: rows c5/s32 (top) .. c2/s4, the blocks of each level in call order.

    Args:
        necks: {title: built neck layer}.
        in_channels: the backbone's four widths (c2..c5), e.g. MobileNetV3 large x0.5's [16, 24, 56, 480].
        side: image side the zeros stand for (a multiple of 32).
        width: figure width in inches (at most 10).
    """
    traced = {title: trace_neck(neck, in_channels, side) for title, neck in necks.items()}
    cols = max(max(sum(b.stride == s for b in blocks) for s in STRIDES) for blocks, _ in traced.values()) + 2
    row_h, box_h = 0.6, 0.5
    heights = [len(STRIDES) * row_h + 0.5 for _ in traced]
    fig = Figure(figsize=(min(width, 10.0), sum(heights) + 0.1), dpi=100)
    axes = fig.subplots(len(traced), 1, squeeze=False, gridspec_kw={"height_ratios": heights, "hspace": 0.25})[:, 0]
    fig.subplots_adjust(left=0.005, right=0.995, top=1 - 0.3 / fig.get_figheight(), bottom=0.01)
    for ax, (title, (blocks, out_shape)) in zip(axes, traced.items()):
        ax.set_xlim(0, cols)
        ax.set_ylim(-0.05, len(STRIDES) * row_h)
        ax.axis("off")
        ax.set_title(f"{title}: output {out_shape[0]}×{out_shape[1]}×{out_shape[2]} (C×H×W) for a {side}×{side} image",
                     fontsize=10, loc="left")
        for r, s in enumerate(reversed(STRIDES)):                           # stride 32 on top
            y = (len(STRIDES) - 1 - r) * row_h
            c = in_channels[STRIDES.index(s)]
            entries = [f"c{STRIDES.index(s) + 2} (backbone)\n{c} ch, {side // s}×{side // s}"]
            entries += [_label(b) for b in blocks if b.stride == s]
            last = [b for b in blocks if b.stride == s][-1:]
            if last:
                entries.append(f"×{s // 4} up, concat\n{last[0].out_shape[0]} ch, "
                               f"{side // 4}×{side // 4}")
            for i, text in enumerate(entries):
                fc = "0.93" if i == 0 else "#fde3c8" if "pan_" in text else "#d9e8f5" if " up, concat" not in text \
                    else "#dcefd9"
                ax.add_patch(FancyBboxPatch((i + 0.04, y), 0.92, box_h, boxstyle="round,pad=0.01,rounding_size=0.05",
                                            fc=fc, ec="0.4", lw=0.8))
                ax.text(i + 0.5, y + box_h / 2, text, ha="center", va="center", fontsize=9, linespacing=1.0)
                if i:
                    ax.annotate("", (i + 0.04, y + box_h / 2), (i - 0.04, y + box_h / 2),
                                arrowprops={"arrowstyle": "->", "color": "0.3", "lw": 0.8})
    return fig
