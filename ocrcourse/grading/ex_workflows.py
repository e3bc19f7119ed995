"""Exercises that train, tune or diagnose a real model (lessons 08, 16, 17).

- `ex08.fix_cls_config`: a colleague's direction-classifier config trains to chance (accuracy ~0.5);
  the learner returns a fixed config, the check trains it (quick budget, official start) and grades
  the accuracy it reaches.
- `ex16.tune_db_postprocess`: choose DB's `box_thresh` and `unclip_ratio` for our data with the
  library's evaluation (DBPostProcess + DetMetric over the official PP-OCRv3 detector's maps); graded
  on the hmean the choice reaches, against a grid the learner does not see.
- `ex17.reindex_classifier`: the official recogniser reads 0 % of our lines with our own dictionary;
  the learner re-indexes its classifier by character, the check loads the result and evaluates it.

Every check finds the course folder (the one holding `configs/` and `train_data/`) upwards from the
working directory, so it works from `exercises/NN_topic/` and from the repository root alike.
Heavy work (model outputs, official weights) is done once per process and cached.
"""
from __future__ import annotations

import copy
import functools
import tempfile
from pathlib import Path

import numpy as np

from .runner import Case, Failure

__all__ = ["ITEMS", "course_root", "broken_cls_config", "train_cls", "db_evaluator", "rec_accuracy",
           "official_rec_classifier", "CLS_STEPS"]

CLS_STEPS = 24          # the check's training budget (quick mode, ~15 s on 2 cores)
CLS_PASS = 0.9          # accuracy the fixed config must reach on the 200 eval crops
DB_DEFAULTS = {"box_thresh": 0.6, "unclip_ratio": 1.5}
DB_GRID = {"box_thresh": (0.4, 0.5, 0.6, 0.7), "unclip_ratio": (0.8, 1.0, 1.2, 1.5, 2.0)}   # the check's own search
DB_TOLERANCE = 0.01
REC_LINES = 50          # eval lines the dictionary check reads
REC_PASS = 0.8


def course_root() -> Path:
    """The course folder (holding `configs/` and `train_data/`), searched upwards from the cwd."""
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "configs").is_dir() and (folder / "train_data" / "synth").is_dir():
            return folder
    raise FileNotFoundError("run this from inside the course folder (it holds configs/ and train_data/; "
                            "`make data` builds train_data/)")


# ---- ex08: a classifier config that trains to chance ------------------------------------------------

def broken_cls_config() -> dict:
    """The colleague's config: `cls_mv3` on the course's crops, with two planted mistakes."""
    from ..config import apply_overrides, load_config

    root = course_root()
    d = f"{root}/train_data/synth/cls/"
    cfg = load_config(root / "configs/cls/cls_mv3_quick.yml", [
        f"Train.dataset.data_dir={d}", f"Train.dataset.label_file_list=[{d}train.txt]",
        f"Eval.dataset.data_dir={d}", f"Eval.dataset.label_file_list=[{d}eval.txt]"])
    return apply_overrides(cfg, ["Optimizer.lr.learning_rate=0.1",
                                 "Eval.dataset.transforms.2.ClsResizeImg.image_shape=[3,32,100]"])


def train_cls(cfg: dict, steps: int = CLS_STEPS):
    """Fine-tune the official classifier with `cfg` for `steps` steps (seed 0) and evaluate at the end.

    Returns (final eval accuracy, history DataFrame). The budget keys (steps, evaluation, start
    weights, no saving) are set here, so a config is judged on everything else.
    """
    import logging

    from ..config import apply_overrides
    from ..settings import seed_everything
    from ..train import Trainer
    from ..weights import official

    cfg = apply_overrides(cfg, [
        "Global.epoch_num=1", f"Global.max_steps={steps}", f"Global.eval_batch_step=[0,{steps}]",
        f"Global.pretrained_model={official('ppocr_mobile_v2.0_cls')}", "Global.save_model_dir=",
        "Global.checkpoints=", "Global.seed=0", "Global.use_visualdl=false"])
    logger = logging.getLogger("ocrcourse")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        seed_everything(0)
        history = Trainer.from_config(cfg).fit(progress=False)
    finally:
        logger.setLevel(level)
    return float(history["eval_acc"].dropna().iloc[-1]), history


def _shape(transforms, op):
    for t in transforms or ():
        if isinstance(t, dict) and op in t:
            return list((t[op] or {}).get("image_shape") or [])
    return None


def _fix_cls_case(fn):
    given = broken_cls_config()
    fixed = fn(copy.deepcopy(given))
    if not isinstance(fixed, dict) or not {"Optimizer", "Train", "Eval"} <= set(fixed):
        raise Failure("return the whole config (a dict with Global, Architecture, Optimizer, Train, Eval, ...), "
                      "changed where it is wrong")
    lr = fixed["Optimizer"].get("lr", {}).get("learning_rate")
    if not isinstance(lr, (int, float)) or not 1e-5 <= lr <= 1e-2:
        if isinstance(lr, (int, float)) and lr < 1e-5:
            raise Failure(f"learning rate {lr}: a classifier that cannot move is not fixed — the check trains "
                          f"{CLS_STEPS} steps and wants to see them help")
        raise Failure("run train_cls on the given config and look at history['loss']: it jumps several times "
                      "above its first value within a few steps and never comes back. Fine-tuning from good "
                      "weights needs small steps: compare the Optimizer section with the official cls_mv3 recipe")
    train = _shape(fixed["Train"]["dataset"]["transforms"], "ClsResizeImg")
    evals = _shape(fixed["Eval"]["dataset"]["transforms"], "ClsResizeImg")
    if train != evals:
        raise Failure(f"the model learns on {train} inputs and is scored on {evals}: a classifier is only as good "
                      "as its inputs resemble what it learnt on — compare the Train and Eval transforms")
    acc, history = train_cls(fixed)
    if acc < CLS_PASS:
        raise Failure(f"after {CLS_STEPS} steps your config reaches accuracy {acc:.3f} (needs >= {CLS_PASS}); "
                      "plot history['loss'] and compare every section with configs/cls/cls_mv3_quick.yml")
    return f"your result: accuracy {acc:.3f} after {CLS_STEPS} steps (the given config: about 0.5)"


# ---- ex16: tune DB's post-processing on our data ----------------------------------------------------

class DBEvaluator:
    """hmean of the official PP-OCRv3 detector on a split, as a function of DB's post-processing.

    The network runs once (its probability maps are kept); each call runs the library's
    `DBPostProcess` and `DetMetric` over the kept maps, so trying a setting costs well under a
    second. Calls are remembered, and `calls` counts the distinct settings tried.
    """

    def __init__(self, split: str = "eval", n_images: int | None = None, side: int = 320):
        import paddle

        from ..config import load_config
        from ..data import build_dataloader
        from ..metrics import build_metric
        from ..train.loop import _forward, _numpy_batch
        from ..weights import build_official_model

        root = course_root()
        d = f"{root}/train_data/synth/det/"
        lines = (root / f"train_data/synth/det/{split}.txt").read_text(encoding="utf-8").splitlines()
        self._labels = tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8", delete=False)
        self._labels.write("\n".join(lines[:n_images]) + "\n")
        self._labels.close()
        self.cfg = load_config(root / "configs/det/ch_PP-OCRv3/ch_PP-OCRv3_det_student_quick.yml", [
            f"Eval.dataset.data_dir={d}", f"Eval.dataset.label_file_list=[{self._labels.name}]",
            f"Eval.dataset.transforms.2.DetResizeForTest.limit_side_len={side}"])
        self.images = len(lines[:n_images])
        model = build_official_model("PP-OCRv3_det")
        self._maps = []
        with paddle.no_grad():
            for batch in build_dataloader(self.cfg, "Eval"):
                preds = _forward(model, batch)
                self._maps.append(({k: v.numpy() for k, v in preds.items()}, _numpy_batch(batch)))
        self._metric = build_metric(self.cfg["Metric"])
        self._memo: dict = {}

    @property
    def calls(self) -> int:
        return len(self._memo)

    def __call__(self, box_thresh: float = 0.6, unclip_ratio: float = 1.5) -> dict:
        """{precision, recall, hmean} with these two settings (`thresh` stays 0.3)."""
        import paddle

        from ..postprocess import build_postprocess

        key = (round(float(box_thresh), 6), round(float(unclip_ratio), 6))
        if key not in self._memo:
            post = build_postprocess({**self.cfg["PostProcess"], "box_thresh": key[0], "unclip_ratio": key[1]},
                                     self.cfg["Global"])
            self._metric.reset()
            for maps, batch in self._maps:
                self._metric(post({k: paddle.to_tensor(v) for k, v in maps.items()}, batch[1]), batch)
            self._memo[key] = {k: float(v) for k, v in self._metric.get_metric().items()}
        return dict(self._memo[key])

    def best_on_grid(self, grid: dict = DB_GRID) -> tuple[dict, float]:
        scores = {(b, u): self(b, u)["hmean"] for b in grid["box_thresh"] for u in grid["unclip_ratio"]}
        (b, u), h = max(scores.items(), key=lambda kv: kv[1])
        return {"box_thresh": b, "unclip_ratio": u}, h


@functools.lru_cache(maxsize=4)
def db_evaluator(split: str = "eval", n_images: int | None = None) -> DBEvaluator:
    """The (cached) evaluator for a split of the course's det data: 'eval' (50 images) or 'train'."""
    return DBEvaluator(split, n_images)


def db_choice(fn, evaluate) -> dict:
    """Call the learner's tuning function and validate the settings it returns."""
    got = fn(evaluate)
    if not isinstance(got, dict) or set(got) != set(DB_DEFAULTS):
        raise Failure(f"return a dict with exactly the keys {sorted(DB_DEFAULTS)}, e.g. {DB_DEFAULTS}")
    try:
        got = {k: float(v) for k, v in got.items()}
    except (TypeError, ValueError) as e:
        raise Failure("both values must be numbers") from e
    if not 0 < got["box_thresh"] < 1 or not 0 < got["unclip_ratio"] <= 4:
        raise Failure("box_thresh is a mean probability (between 0 and 1); unclip_ratio a small positive factor")
    return got


def _tune_case(fn):
    evaluate = db_evaluator("eval")
    got = db_choice(fn, evaluate)
    mine = evaluate(**got)["hmean"]
    default = evaluate(**DB_DEFAULTS)["hmean"]
    best, best_h = evaluate.best_on_grid()
    if mine < best_h - DB_TOLERANCE:
        if got == DB_DEFAULTS:
            raise Failure(f"these are the official defaults (hmean {mine:.3f}): they were chosen for other images "
                          "and other labels. Call evaluate() over a range of each setting and keep the best")
        raise Failure(f"your choice reaches hmean {mine:.3f}; a better one exists (at least {best_h:.3f}). Try each "
                      "setting over a range (e.g. unclip_ratio from 0.8 to 2.0) with the other fixed, then refine")
    return f"your result: hmean {mine:.3f} with {got} (the defaults: {default:.3f})"


# ---- ex17: a dictionary that reads nothing ----------------------------------------------------------

@functools.lru_cache(maxsize=1)
def official_rec_classifier() -> tuple[dict, list[str]]:
    """The official PP-OCRv3 recogniser's CTC branch (numpy state dict) and its characters (no blank)."""
    import paddle

    from ..dictionary import load_dict
    from ..weights import official, official_dict_path
    from ..weights.adapt import ctc_branch

    state = ctc_branch({k: np.asarray(v) for k, v in paddle.load(official("PP-OCRv3_rec")).items()})
    return state, load_dict(official_dict_path(), use_space_char=True)


@functools.lru_cache(maxsize=1)
def _rec_trainer():
    import logging

    from ..config import load_config
    from ..train import Trainer

    root = course_root()
    lines = (root / "train_data/synth/rec/eval.txt").read_text(encoding="utf-8").splitlines()[:REC_LINES]
    labels = tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8", delete=False)
    labels.write("\n".join(lines) + "\n")
    labels.close()
    cfg = load_config(root / "configs/rec/ch_PP-OCRv2/ch_PP-OCRv2_rec_v3ctc_quick.yml", [
        f"Global.character_dict_path={root}/train_data/synth/dict.txt", "Global.pretrained_model=",
        "Global.save_model_dir=", f"Train.dataset.data_dir={root}/train_data/synth/rec/",
        f"Train.dataset.label_file_list=[{root}/train_data/synth/rec/train.txt]",
        f"Eval.dataset.data_dir={root}/train_data/synth/rec/", f"Eval.dataset.label_file_list=[{labels.name}]"])
    logging.getLogger("ocrcourse").setLevel(logging.WARNING)
    return Trainer.from_config(cfg)


def rec_characters() -> list[str]:
    """Our dictionary's characters in model-output order (no blank; the space appended)."""
    from ..dictionary import load_dict

    return load_dict(str(course_root() / "train_data/synth/dict.txt"), use_space_char=True)


def rec_accuracy(state: dict, skip_mismatched: bool = False) -> tuple[dict, object]:
    """Load `state` into the recogniser built for our dictionary and evaluate it on 50 eval lines.

    Returns (metrics {acc, norm_edit_dis}, the load report)."""
    from ..models.pretrained import load_pretrained

    trainer = _rec_trainer()
    report = load_pretrained(trainer.model, state, skip_mismatched=skip_mismatched)
    return trainer.evaluate(), report


def _reindex_reference(weight, bias, old_chars, new_chars):
    first = {}
    for i, c in enumerate(old_chars):
        first.setdefault(c, i + 1)
    index = [0] + [first.get(c) for c in new_chars]
    w = np.stack([weight[:, j] if j is not None else np.zeros(weight.shape[0], weight.dtype) for j in index], 1)
    b = np.array([bias[j] if j is not None else bias.mean() for j in index], bias.dtype)
    return w, b


def _reindex(fn, weight, bias, old_chars, new_chars):
    got = fn(weight.copy(), bias.copy(), list(old_chars), list(new_chars))
    if not isinstance(got, tuple) or len(got) != 2:
        raise Failure("return a tuple (new_weight, new_bias)")
    w, b = (np.asarray(g.numpy() if hasattr(g, "numpy") else g, dtype=np.float64) for g in got)
    n = len(new_chars) + 1
    if w.shape != (weight.shape[0], n) or b.shape != (n,):
        raise Failure(f"shapes {w.shape} and {b.shape}: the new classifier has one column per new class — "
                      f"the blank plus {len(new_chars)} characters = {n} — over the same {weight.shape[0]} inputs; "
                      "a Paddle Linear stores its weight as [inputs, outputs]")
    return w, b


def _toy_case(fn):
    rng = np.random.default_rng(0)
    old, new = list("abcde "), list("eca x")
    weight, bias = rng.normal(size=(3, len(old) + 1)), rng.normal(size=len(old) + 1)
    w, b = _reindex(fn, weight, bias, old, new)
    want_w, want_b = _reindex_reference(weight, bias, old, new)
    found = [0] + [i + 1 for i, c in enumerate(new) if c in old]
    if not np.allclose(w[:, 0], weight[:, 0]) or not np.isclose(b[0], bias[0]):
        raise Failure("class 0 is CTC's blank in both models: keep the official column 0 as it is")
    if not (np.allclose(w[:, found], want_w[:, found]) and np.allclose(b[found], want_b[found])):
        shifted = [c for c in new if c in old and np.allclose(w[:, new.index(c) + 1], weight[:, old.index(c)])]
        if shifted:
            raise Failure("off by one: character i of a dictionary is class i + 1 (class 0 is the blank), "
                          "in the official model and in yours")
        raise Failure("new class i + 1 (character new_chars[i]) must take the official column of that same "
                      "character: old_chars.index(c) + 1")
    if not (np.all(np.isfinite(w)) and np.all(np.isfinite(b))):
        raise Failure("a character the official dictionary lacks ('x' here) needs finite starting values "
                      "(e.g. zero weights and the mean bias)")
    return None


def _real_case(fn):
    state, old_chars = official_rec_classifier()
    new_chars = rec_characters()
    w, b = _reindex(fn, state["head.fc.weight"], state["head.fc.bias"], old_chars, new_chars)
    adapted = dict(state, **{"head.fc.weight": w.astype(np.float32), "head.fc.bias": b.astype(np.float32)})
    metrics, _ = rec_accuracy(adapted)
    if metrics["acc"] < REC_PASS:
        raise Failure(f"with your classifier the official recogniser reads {metrics['acc']:.3f} of our lines "
                      f"(needs >= {REC_PASS}): check which official column each of our characters takes")
    return f"your result: accuracy {metrics['acc']:.3f} on {REC_LINES} of our lines, without training"


ITEMS = {
    "ex08.fix_cls_config": ("Diagnose and fix a classifier config that trains to chance",
                            [Case(f"the fixed config trains to accuracy >= {CLS_PASS} in {CLS_STEPS} steps",
                                  _fix_cls_case)], 600.0),
    "ex16.tune_db_postprocess": ("Tune DB's box_thresh and unclip_ratio on our data",
                                 [Case("hmean within 0.01 of the best setting on the eval images", _tune_case)],
                                 300.0),
    "ex17.reindex_classifier": ("Re-index the official recogniser's classifier for our dictionary",
                                [Case("re-indexing a toy classifier", _toy_case),
                                 Case(f"the official recogniser reads our lines (accuracy >= {REC_PASS})", _real_case)],
                                300.0),
}
