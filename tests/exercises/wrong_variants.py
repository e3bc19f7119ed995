"""Known-wrong answers for every exercise item, each with the hint it must trigger."""
import math

import cv2
import numpy as np


def _softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def se_sigmoid(x, w1, b1, w2, b2):
    z = np.maximum(w1 @ x.mean(axis=(1, 2)) + b1, 0)
    return x * (1 / (1 + np.exp(-(w2 @ z + b2))))[:, None, None]


def se_slope_sixth(x, w1, b1, w2, b2):
    z = np.maximum(w1 @ x.mean(axis=(1, 2)) + b1, 0)
    return x * np.clip((w2 @ z + b2) / 6 + 0.5, 0, 1)[:, None, None]


def dbfpn_wrong_order(in2, in3, in4, in5):
    up = lambda a, s: a.repeat(s, axis=1).repeat(s, axis=2)  # noqa: E731
    out4 = in4 + up(in5, 2)
    out3 = in3 + up(out4, 2)
    out2 = in2 + up(out3, 2)
    return np.concatenate([out2, up(out3, 2), up(out4, 4), up(in5, 8)], axis=0)


def shrink_ratio_not_squared(polygon, ratio=0.4):
    import pyclipper
    from shapely.geometry import Polygon
    p = Polygon(polygon)
    pco = pyclipper.PyclipperOffset()
    pco.AddPath([tuple(pt) for pt in polygon], pyclipper.JT_ROUND, pyclipper.ET_CLOSEDPOLYGON)
    return np.array(pco.Execute(-p.area * (1 - ratio) / p.length)[0])


def shrink_outward(polygon, ratio=0.4):
    import pyclipper
    from shapely.geometry import Polygon
    p = Polygon(polygon)
    pco = pyclipper.PyclipperOffset()
    pco.AddPath([tuple(pt) for pt in polygon], pyclipper.JT_ROUND, pyclipper.ET_CLOSEDPOLYGON)
    return np.array(pco.Execute(p.area * (1 - ratio ** 2) / p.length)[0])


def step_binarize(P, T, k=50):
    return (P > T).astype(float)


def dice_no_mask(pred, gt, mask, eps=1e-6):
    return 1 - 2 * (pred * gt).sum() / (pred.sum() + gt.sum() + eps)


def cosine_short_tmax(step, base_lr, total_steps, warmup_steps):
    if step < warmup_steps:
        return base_lr * step / warmup_steps
    return 0.5 * base_lr * (1 + math.cos(math.pi * (step - warmup_steps) / (total_steps - warmup_steps)))


def stretch_vertical(w, h, segment, rng):
    cut = w // segment
    thresh = cut * 4 // 5
    src = [[0, 0], [w, 0], [w, h], [0, h]]
    dst = [[0, 0], [w, 0], [w, h], [0, h]]
    for i in range(1, segment):
        move = rng.integers(thresh) - thresh / 2
        src += [[cut * i, 0], [cut * i, h]]
        dst += [[cut * i, move], [cut * i, h + move]]
    return np.array(src, float), np.array(dst, float)


def hmean_many_to_one(gt_boxes, det_boxes):
    from shapely.geometry import Polygon
    iou = lambda a, b: Polygon(a).intersection(Polygon(b)).area / Polygon(a).union(Polygon(b)).area  # noqa: E731
    md = sum(any(iou(g, d) > 0.5 for g in gt_boxes) for d in det_boxes)
    mg = sum(any(iou(g, d) > 0.5 for d in det_boxes) for g in gt_boxes)
    p = md / len(det_boxes) if len(det_boxes) else 0.0
    r = mg / len(gt_boxes) if len(gt_boxes) else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def ctc_no_collapse(probs, characters):
    return "".join(characters[i - 1] for i in probs.argmax(axis=1) if i != 0)


def ctc_blanks_first(probs, characters):
    kept = [i for i in probs.argmax(axis=1) if i != 0]
    return "".join(characters[i - 1] for k, i in enumerate(kept) if k == 0 or i != kept[k - 1])


def kl_one_way(logits1, logits2):
    p1, p2 = _softmax(logits1) + 1e-10, _softmax(logits2) + 1e-10
    return float((p2 * (np.log(p2 + 1e-10) - np.log(p1))).sum() / logits1.shape[0])


def dila_half(teacher):
    return cv2.dilate((teacher > 0.5).astype(np.float32), np.ones((2, 2), np.float32))


def dila_no_dilate(teacher):
    return (teacher > 0.3).astype(np.float32)


def extract_no_dot(state_dict, name="Student"):
    return {k[len(name) + 1:]: v for k, v in state_dict.items() if k.startswith(name)}


def centers_all_samples(feats, logits, correct):
    sums, counts = {}, {}
    for n in range(len(feats)):
        for t, c in enumerate(logits[n].argmax(axis=-1)):
            sums[int(c)] = sums.get(int(c), 0) + feats[n, t]
            counts[int(c)] = counts.get(int(c), 0) + 1
    return {c: sums[c] / counts[c] for c in sums}


def quiz_all_a():
    return {f"q{i}": "a" for i in range(1, 9)}


def steps_no_blanks(text):
    return len(text)


def feature_sum(a, b):
    return float(((a - b) ** 2).sum())


def rse_no_shortcut(x, w_conv, w1, b1, w2, b2):
    y = np.einsum("oc,chw->ohw", w_conv, x)
    gate = np.clip(0.2 * (w2 @ np.maximum(w1 @ y.mean(axis=(1, 2)) + b1, 0) + b2) + 0.5, 0, 1)
    return y * gate[:, None, None]


def cls_fix_lr_only(cfg):
    cfg["Optimizer"]["lr"]["learning_rate"] = 0.001
    return cfg


def cls_lr_zero(cfg):
    cfg["Optimizer"]["lr"]["learning_rate"] = 0.0
    for op in cfg["Eval"]["dataset"]["transforms"]:
        if "ClsResizeImg" in op:
            op["ClsResizeImg"]["image_shape"] = [3, 48, 192]
    return cfg


def db_defaults(evaluate):
    return {"box_thresh": 0.6, "unclip_ratio": 1.5}


def reindex_off_by_one(weight, bias, old_chars, new_chars):
    cols = [0] + [old_chars.index(c) for c in new_chars if c in old_chars] + [0] * sum(c not in old_chars for c in new_chars)
    return weight[:, cols], bias[cols]


def reindex_unchanged(weight, bias, old_chars, new_chars):
    return weight, bias


WRONG = {
    "ex02.se_block": [(se_sigmoid, "not the logistic sigmoid"), (se_slope_sixth, "slope 0.2")],
    "ex02.se_parameter_count": [(lambda c, r=4: 2 * c * (c // r), "have a bias")],
    "ex03.dbfpn_merge": [(dbfpn_wrong_order, "[p5, p4, p3, p2]")],
    "ex04.shrink_polygon": [(shrink_ratio_not_squared, "squared"), (shrink_outward, "inward")],
    "ex04.diff_binarize": [(step_binarize, "hard step")],
    "ex04.dice_loss": [(dice_no_mask, "by the mask")],
    "ex05.cosine_warmup": [(cosine_short_tmax, "T_max = all steps")],
    "ex06.tia_stretch": [(stretch_vertical, "only moves points horizontally")],
    "ex07.det_hmean": [(hmean_many_to_one, "one-to-one")],
    "ex09.ctc_greedy_decode": [(ctc_no_collapse, "merge consecutive repeats"), (ctc_blanks_first, "AFTER merging")],
    "ex11.symmetric_kl": [(kl_one_way, "symmetric")],
    "ex12.dilated_target": [(dila_half, "> 0.3"), (dila_no_dilate, "dilate the binary map")],
    "ex12.extract_student": [(extract_no_dot, "with its dot")],
    "ex14.class_centers": [(centers_all_samples, "correctly recognised")],
    "ex10.ctc_min_steps": [(steps_no_blanks, "merges repeats")],
    "ex13.feature_l2": [(feature_sum, "don't sum")],
    "ex15.rse_layer": [(rse_no_shortcut, "the shortcut")],
    "ex08.fix_cls_config": [(cls_fix_lr_only, "scored on"), (cls_lr_zero, "cannot move")],
    "ex16.tune_db_postprocess": [(db_defaults, "official defaults")],
    "ex17.reindex_classifier": [(reindex_off_by_one, "off by one"), (reindex_unchanged, "one column per new class")],
    "quiz.strategies": [(quiz_all_a, "not quite")],
}
