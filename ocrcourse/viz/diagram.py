"""Architecture diagrams drawn from the real modules: names and shapes come from a forward pass.

Nothing in these figures is typed by hand. `trace_stages` pushes one zero image through a model
built by `ocrcourse.models` with forward hooks on its top-level parts (backbone, neck, head, and
the direct children of a part with few of them, e.g. DBHead's `binarize` / `thresh`); `loss_links`
reads which sub-models a built distillation `CombinedLoss` connects. The drawings:

    draw_architecture(model, image_size)           # DBNet (lesson 04), CRNN (lesson 09)
    draw_architecture(model, image_size, loss=l)   # CML (lesson 12), U-DML (lesson 13)
    draw_tia(word_image)                           # TIA control points, before / after (lesson 06)
    draw_fpgm(model, "backbone.stage1.2.linear_conv.conv")   # FPGM filter scores (lesson 07)

PP-OCR strategies drawn: DB (Liao et al., AAAI 2020, arXiv:1911.08947), CRNN + CTC (Shi et al.,
arXiv:1507.05717), CML and U-DML (PP-OCRv2, arXiv:2109.03144), TIA (Luo et al., CVPR 2020,
arXiv:2003.06606), FPGM pruning (He et al., CVPR 2019, arXiv:1811.00250; PP-OCR, arXiv:2009.09941).

Shapes are printed without the batch axis: a 4-D map as `C= H= W=`, a 3-D sequence as `T= C=`
(time steps, features per step). Sizes follow `viz.style`: text of 9 pt and more at 100 dpi,
at most 10 inches wide.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field

import numpy as np
import paddle
from paddle import nn

__all__ = ["Stage", "Link", "trace_stages", "loss_links", "format_shape", "draw_architecture",
           "draw_tia", "draw_fpgm"]

FONT = 9                 # points; the smallest text in every diagram
LINE = FONT * 1.45 / 72  # inches per text line
MAX_DETAILS = 3          # a part with at most this many children gets one line per child


@dataclass
class Stage:
    """One box: `name` is the attribute path (`backbone`, `Student.head`), `kind` its class name,
    `outputs` (label, shape) pairs of what it returned, `details` the same for its children."""
    name: str
    kind: str
    outputs: list = field(default_factory=list)
    details: list = field(default_factory=list)


@dataclass
class Link:
    """One distillation loss entry: class name, weight, output key, and the sub-models it joins:
    `pairs` (model a, model b) for DML / distillation terms, `models` for terms against the labels."""
    kind: str
    weight: float
    key: str | None
    pairs: list = field(default_factory=list)
    models: list = field(default_factory=list)


# --- tracing: hooks on the real modules ---------------------------------------------------------

def _flatten(out, label: str = "") -> list:
    """Tensor / list / dict output -> [(label, shape)], labels from list indices and dict keys."""
    if isinstance(out, paddle.Tensor):
        return [(label, list(out.shape))]
    if isinstance(out, (list, tuple)):
        return [pair for i, o in enumerate(out) for pair in _flatten(o, f"[{i}]")]
    if isinstance(out, dict):
        return [pair for k, o in out.items() for pair in _flatten(o, k)]
    return []


def _top_parts(model: nn.Layer) -> dict:
    """{sub-model name or "": [(part name, layer)]}: backbone, neck, head of each BaseModel."""
    names = getattr(model, "model_names", None) or [""]
    subs = {name: getattr(model, name) if name else model for name in names}
    return {name: [(part, getattr(sub, part)) for part in ("backbone", "neck", "head")
                   if getattr(sub, part, None) is not None] for name, sub in subs.items()}


def trace_stages(model: nn.Layer, image_size=(640, 640), in_channels: int = 3,
                 train: bool = False) -> dict:
    """Run a zero image through a copy of `model` and record what each top-level part returns.

    Args:
        model: a BaseModel or DistillationModel from `ocrcourse.models.build_model`.
        image_size: (H, W) of the input.
        train: run in train mode (DBHead then returns its three maps); the copy keeps the
            caller's model and its BatchNorm statistics untouched.

    Returns:
        {sub-model name ("" for a BaseModel): [Stage, ...]} in forward order, plus the key
        "input" -> the input shape.
    """
    model = copy.deepcopy(model)          # hooks, mode and BN statistics change the copy only
    if train:
        model.train()
    else:
        model.eval()
    parts, records, hooks = _top_parts(model), {}, []

    def hook(layer, key):
        def record(_layer, _inputs, out):
            records.setdefault(key, _flatten(out))
        hooks.append(layer.register_forward_post_hook(record))

    for sub, pairs in parts.items():
        for part, layer in pairs:
            hook(layer, (sub, part, None))
            children = [(n, c) for n, c in layer.named_children() if not isinstance(c, nn.LayerList)]
            if len(children) <= MAX_DETAILS:
                for child_name, child in children:
                    hook(child, (sub, part, child_name))
    x = paddle.zeros([1, in_channels, *image_size])
    with paddle.no_grad():
        model(x)
    for h in hooks:
        h.remove()

    def details(sub, part):              # children in call order, first output of each
        return [(child, out[0][1]) for (s, p, child), out in records.items()
                if (s, p) == (sub, part) and child and out]

    traced = {"input": list(x.shape)}
    for sub, pairs in parts.items():
        traced[sub] = [Stage(name=f"{sub}.{part}" if sub else part, kind=type(layer).__name__,
                             outputs=records.get((sub, part, None), []), details=details(sub, part))
                       for part, layer in pairs]
    return traced


def loss_links(loss: nn.Layer) -> list:
    """The entries of a built `CombinedLoss` as Links (read from the loss objects themselves)."""
    entries = getattr(loss, "loss_func", [loss])
    weights = getattr(loss, "loss_weight", [1.0] * len(entries))
    return [Link(kind=type(f).__name__, weight=float(w), key=getattr(f, "key", None),
                 pairs=[tuple(p) for p in getattr(f, "model_name_pairs", [])],
                 models=list(getattr(f, "model_name_list", [])))
            for f, w in zip(entries, weights)]


def format_shape(shape) -> str:
    """[1, 288, 1, 80] -> 'C=288 H=1 W=80'; [1, 80, 96] -> 'T=80 C=96' (batch axis dropped)."""
    axes = {4: "CHW", 3: "TC", 2: "C"}.get(len(shape))
    if axes is None:
        return str(list(shape))
    return " ".join(f"{a}={n}" for a, n in zip(axes, shape[1:]))


# --- drawing --------------------------------------------------------------------------------------

PARTS = ("backbone", "neck", "head")
COLOURS = {"input": "#eeeeee", "backbone": "#dbe8f6", "neck": "#e3f1dc", "head": "#fbe6cf"}
LOSS_COLOURS = ["tab:red", "tab:purple", "tab:green", "tab:brown"]
GAP, LOSS_GAP, PAD = 0.22, 0.6, 0.08    # inches: between boxes, before the loss column, inside a box


def _text_width(text: str, bold: bool = False) -> float:
    """Width in inches of `text` drawn at FONT points."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    prop = FontProperties(family="DejaVu Sans", size=FONT, weight="bold" if bold else "normal")
    return TextToPath().get_text_width_height_descent(text, prop, ismath=False)[0] / 72


def _box_width(lines: list) -> float:
    return max(_text_width(t, bold=i == 0) for i, t in enumerate(lines)) + 2 * PAD + 0.05


def _box_height(lines: list) -> float:
    return LINE * len(lines) + 0.12


def _stage_lines(stage: Stage, with_details: bool = True) -> list:
    """Class name (bold), then one line per output map, then one per child (`· name shape`)."""
    lines = [stage.kind]
    lines += [f"{label} {format_shape(s)}".strip() for label, s in stage.outputs] or ["(not run)"]
    if with_details:
        lines += [f"· {child} {format_shape(s)}" for child, s in stage.details]
    return lines


def _box(ax, x: float, y_top: float, width: float, lines: list, fc: str, ec: str = "0.3", lw: float = 1.0):
    """A box of text lines (first bold), top-left corner at (x, y_top) in inches;
    returns its geometry (left, right, middle y, bottom)."""
    from matplotlib.patches import FancyBboxPatch

    height = _box_height(lines)
    ax.add_patch(FancyBboxPatch((x, y_top - height), width, height, boxstyle="round,pad=0.02",
                                fc=fc, ec=ec, lw=lw))
    for i, text in enumerate(lines):
        ax.text(x + PAD, y_top - 0.06 - LINE * (i + 0.5), text, fontsize=FONT, va="center",
                weight="bold" if i == 0 else "normal", family="DejaVu Sans")
    return x, x + width, y_top - height / 2, y_top - height


def _arrow(ax, start, end, colour="0.25"):
    ax.annotate("", xy=end, xytext=start,
                arrowprops=dict(arrowstyle="-|>", color=colour, lw=1.3, shrinkA=1, shrinkB=1))


def _canvas(width: float, height: float):
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(width, height), dpi=100)
    ax = fig.add_axes([0, 0, 1, 1])
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.axis("off")
    return fig, ax


def _is_frozen(model: nn.Layer, name: str) -> bool:
    params = getattr(model, name).parameters() if name else []
    return bool(params) and not any(p.trainable for p in params)


def _link_lines(link: Link) -> list:
    joined = [f"{a} ↔ {b}" for a, b in link.pairs] + [f"{m} ↔ labels" for m in link.models]
    return [link.kind, f"weight {link.weight:g}, key {link.key}" if link.key else f"weight {link.weight:g}",
            *joined]


def _link_part(link: Link) -> str:
    """The box a loss term reads: `key: backbone_out` -> backbone, anything else -> head."""
    return "backbone" if (link.key or "").removesuffix("_out") == "backbone" else "head"


def draw_architecture(model: nn.Layer, image_size=(640, 640), loss: nn.Layer | None = None,
                      train: bool = False, title: str | None = None):
    """Block diagram of `model`: input -> backbone -> neck -> head, each box its class name and
    output shape(s) from a real forward pass (`trace_stages`); a part with a few children also
    lists theirs (DBHead: `binarize` = P, `thresh` = T; SequenceEncoder: `Im2Seq`, the RNN).

    A DistillationModel gets one row per sub-model (frozen ones marked). With `loss` (the built
    CombinedLoss) a column of loss boxes on the right is joined to the part each term reads
    (`key: backbone_out` -> the backbone box, otherwise the head); terms on the ground truth say
    "labels". Returns the matplotlib Figure.
    """
    traced = trace_stages(model, image_size, train=train)
    rows = [name for name in traced if name != "input"]
    details = len(rows) == 1
    lines = {(r, s.name.split(".")[-1]): _stage_lines(s, details) for r in rows for s in traced[r]}
    parts = [p for p in PARTS if any((r, p) in lines for r in rows)]
    widths = {p: max(_box_width(lines[r, p]) for r in rows if (r, p) in lines) for p in parts}
    input_lines = ["input", format_shape(traced["input"])]
    links = loss_links(loss) if loss is not None else []
    loss_lines = [_link_lines(link) for link in links]
    loss_w = max((_box_width(l) for l in loss_lines), default=0.0)

    row_label = LINE                                 # sub-model name, or the part names
    row_gap = 0.35 if links else 0.2
    heights = [max(_box_height(lines[r, p]) for p in parts if (r, p) in lines) + row_label for r in rows]
    body = sum(heights) + row_gap * (len(rows) - 1)
    loss_h = sum(_box_height(l) for l in loss_lines) + 0.2 * max(len(links) - 1, 0)
    title_h = 0.4 if title else 0.1
    fig_h = max(body, loss_h) + title_h + 0.25
    x_parts = 0.1 + _box_width(input_lines) + GAP
    fig_w = x_parts + sum(widths.values()) + GAP * (len(parts) - 1) + 0.1
    if links:
        fig_w += LOSS_GAP + loss_w
    fig, ax = _canvas(fig_w, fig_h)
    if title:
        ax.text(0.1, fig_h - 0.22, title, fontsize=FONT + 1.5, weight="bold", va="center")

    top = fig_h - title_h - 0.1 - (max(body, loss_h) - body) / 2
    inp = _box(ax, 0.1, top - body / 2 + _box_height(input_lines) / 2, _box_width(input_lines),
               input_lines, COLOURS["input"])
    geometry, y = {}, top
    for r, h in zip(rows, heights):
        if r:
            label = f"{r} (frozen)" if _is_frozen(model, r) else r
            ax.text(x_parts, y - 0.02, label, fontsize=FONT, weight="bold", va="top", color="0.2")
        x, boxes = x_parts, {}
        for p in parts:
            if not r:                                    # a single model: name the parts
                ax.text(x, y - 0.02, p, fontsize=FONT, va="top", color="0.35")
            if (r, p) in lines:
                boxes[p] = _box(ax, x, y - row_label, widths[p], lines[r, p], COLOURS[p])
            x += widths[p] + GAP
        chain = [(inp[1], inp[2])] + [(b[0], b[2]) for b in boxes.values()]
        ends = [(inp[1], inp[2])] + [(b[1], b[2]) for b in boxes.values()]
        for start, end in zip(ends[:-1], chain[1:]):
            _arrow(ax, start, end)
        geometry[r] = (boxes, y - h - row_gap / 2)      # the second value: the free gap below the row
        y -= h + row_gap
    if links:
        _draw_links(ax, links, loss_lines, loss_w, geometry, fig_w, top - body / 2)
    return fig


def _draw_links(ax, links, loss_lines, loss_w, geometry, fig_w, y_mid):
    """Loss boxes in the right column; a coloured line from every part box a term reads.
    A head feeds its box straight; a backbone runs down into the gap below its row first."""
    x = fig_w - 0.1 - loss_w
    total = sum(_box_height(l) for l in loss_lines) + 0.2 * (len(links) - 1)
    y = y_mid + total / 2
    for i, (link, lines) in enumerate(zip(links, loss_lines)):
        colour = LOSS_COLOURS[i % len(LOSS_COLOURS)]
        box = _box(ax, x, y, loss_w, lines, "white", ec=colour, lw=1.8)
        part = _link_part(link)
        for model_name in dict.fromkeys([m for pair in link.pairs for m in pair] + link.models):
            boxes, gap_y = geometry.get(model_name, ({}, 0))
            if part not in boxes:
                continue
            src = boxes[part]
            if part == "head":
                path = [(src[1], src[2]), (box[0], box[2])]
            else:
                bx = (src[0] + src[1]) / 2
                path = [(bx, src[3]), (bx, gap_y), (box[0] - 0.3, gap_y), (box[0], box[2])]
            xs, ys = zip(*path)
            ax.plot(xs, ys, color=colour, lw=1.3)
            ax.plot(*path[-1], marker="o", color=colour, ms=4)
        y = box[3] - 0.2


def draw_tia(image: np.ndarray, seed: int = 0, segment: int = 4):
    """TIA's three warps of one text line: the control points on the original (circles) and
    where each moved to on the warped line (crosses), drawn by `data.transforms.rec_aug`.

    The points come from the library's `distort_points` / `stretch_points` / `perspective_points`
    and the pictures from `warp_mls` with them, so the figure shows exactly what training does.
    NumPy's global generator is seeded with `seed` and restored afterwards. `image` is BGR uint8.
    """
    import matplotlib.pyplot as plt

    from ocrcourse.data.transforms import rec_aug
    from ocrcourse.data.transforms.warp_mls import warp_mls

    h, w = image.shape[:2]
    state = np.random.get_state()
    np.random.seed(seed)
    try:
        points = {"distort": rec_aug.distort_points(w, h, segment),
                  "stretch": rec_aug.stretch_points(w, h, segment),
                  "perspective": rec_aug.perspective_points(w, h)}
    finally:
        np.random.set_state(state)
    row_h = 9.0 / 2 * h / w + 0.45
    fig, axes = plt.subplots(3, 2, figsize=(9.4, 3 * row_h + 0.2), dpi=100, squeeze=False)
    for row, (name, (src, dst)) in zip(axes, points.items()):
        warped = warp_mls(image, src, dst, w, h)
        src, dst = np.asarray(src, dtype=float), np.asarray(dst, dtype=float)
        row[0].imshow(image[:, :, ::-1])
        row[1].imshow(warped[:, :, ::-1])
        for (a, b) in zip(src, dst):                      # each point's move, on the warped line
            row[1].annotate("", xy=b, xytext=a, annotation_clip=False,
                            arrowprops=dict(arrowstyle="-|>", color="yellow", lw=1.2, shrinkA=0, shrinkB=0))
        row[0].plot(src[:, 0], src[:, 1], "o", color="tab:red", ms=7, mew=2, mfc="none", clip_on=False)
        row[1].plot(dst[:, 0], dst[:, 1], "x", color="tab:red", ms=7, mew=2, clip_on=False)
        row[0].set_title(f"{name}: the line and its {len(src)} control points", fontsize=FONT + 0.5)
        row[1].set_title(f"{name}: warped; arrows = how each point moved", fontsize=FONT + 0.5)
        for ax in row:
            ax.set_xlim(-0.04 * w, 1.04 * w)
            ax.set_ylim(h * 1.12, -0.12 * h)
            ax.axis("off")
    fig.tight_layout()
    return fig


def draw_fpgm(model: nn.Layer, layer_name: str, ratio: float = 0.25):
    """FPGM scores of one real conv layer of `model`: one bar per filter (its summed distance to
    the other filters), the `ratio` of filters FPGM prunes first in red.

    `layer_name` is a name from `model.named_sublayers()`, e.g. "backbone.stage1.2.linear_conv.conv".
    """
    import matplotlib.pyplot as plt

    from ocrcourse.models.pruning import fpgm_ranking, fpgm_scores

    layer = dict(model.named_sublayers())[layer_name]
    weight = layer.weight.numpy()
    scores = fpgm_scores(weight)
    pruned = set(fpgm_ranking(weight)[: int(ratio * len(weight))].tolist())
    fig, ax = plt.subplots(figsize=(7.5, 2.8), dpi=100)
    ax.bar(range(len(scores)), scores, color=["tab:red" if i in pruned else "tab:gray"
                                              for i in range(len(scores))])
    ax.set_xlabel("filter index (output channel)", fontsize=FONT + 0.5)
    ax.set_ylabel("sum of distances\n(axis not from 0)", fontsize=FONT + 0.5)
    ax.tick_params(labelsize=FONT)
    spread = scores.max() - scores.min()
    ax.set_ylim(scores.min() - 0.3 * spread, scores.max() + 0.15 * spread)   # the differences matter
    ax.set_title(f"{layer_name} ({type(layer).__name__}, weight {list(weight.shape)}): prune "
                 f"{len(pruned)} of {len(weight)} (red) → {len(weight) - len(pruned)} filters",
                 fontsize=FONT + 0.5)
    fig.tight_layout()
    return fig
