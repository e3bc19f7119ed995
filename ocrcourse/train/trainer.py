"""`Trainer.from_config(cfg)`: every object of a PaddleOCR-schema config, wired as `tools/train.py` does.

    from ocrcourse.config import load_config
    from ocrcourse.train import Trainer
    cfg = load_config("configs/det/ch_PP-OCRv3/ch_PP-OCRv3_det_student_quick.yml", ["Global.max_steps=20"])
    trainer = Trainer.from_config(cfg)
    history = trainer.fit(on_step=lambda s: print(s.step, s.losses["loss"]))

The order follows PaddleOCR: seed, (distributed set-up), data loaders, post-process, model (its
head size taken from the post-process dictionary), loss, optimizer + LR schedule, metric,
`pretrained_model` or `checkpoints`, then the model is wrapped in `paddle.DataParallel` when
several processes run (`python -m paddle.distributed.launch --nproc_per_node 2 tools/train.py`).
"""
from __future__ import annotations

import copy
import logging
import os
from pathlib import Path

import paddle

from ..errors import ConfigError
from ..settings import cap_batch, cap_steps, seed_everything
from .amp import setup_amp
from .checkpoint import load_checkpoint, unwrap
from .loop import eval_schedule, evaluate, fit

__all__ = ["Trainer", "wire_dictionary_size", "load_pretrained_model", "check_submodel_loads", "build_for_eval", "build_for_export", "build_for_centers",
           "center_file_path", "GLOBAL_KEYS", "PADDLEOCR_GLOBAL_KEYS"]

logger = logging.getLogger(__name__)


class _ToRoot(logging.Handler):
    """Hand records at or above `level` to the root logger's handlers (what propagation would do)."""

    def emit(self, record):
        logging.getLogger().handle(record)

# `Global` keys the trainer reads.
GLOBAL_KEYS = {
    "epoch_num", "eval_batch_step", "print_batch_step", "save_epoch_step", "save_model_dir",
    "pretrained_model", "checkpoints", "use_amp", "seed", "cal_metric_during_train", "use_visualdl",
    "max_steps", "scale_loss", "use_dynamic_loss_scaling", "amp_level", "strict_load", "log_smooth_window",
    "amp_dtype", "amp_custom_black_list", "amp_custom_white_list",
}
# `Global` keys official configs carry that are read elsewhere (transforms, post-process,
# export, inference tools) or not at all; accepted without a message.
PADDLEOCR_GLOBAL_KEYS = {
    "use_gpu", "use_xpu", "use_npu", "use_mlu", "save_inference_dir", "infer_img",
    "save_res_path", "distributed", "d2s_train_image_shape", "debug", "character_dict_path",
    "character_type", "max_text_length", "infer_mode", "use_space_char", "load_static_weights",
    "label_list", "use_sync_bn",
    "uniform_output_enabled", "class_path", "is_float16", "use_tensorrt",
}


def _distributed() -> bool:
    return int(os.environ.get("PADDLE_TRAINERS_NUM", "1")) > 1


def _heads(arch: dict):
    """Yield every `Head` dict of an Architecture (one per sub-model for a DistillationModel)."""
    if "Models" in arch:
        for sub in arch["Models"].values():
            if sub.get("Head"):
                yield sub["Head"]
    elif arch.get("Head"):
        yield arch["Head"]


def wire_dictionary_size(cfg: dict, post_process) -> tuple[dict, dict]:
    """Return (Architecture, Loss) copies with the class counts PaddleOCR's tools/train.py fills in.

    A rec head's size comes from the dictionary the post-process decodes with: `out_channels`
    = len(post_process.character) (blank included) for a CTCHead, `out_channels_list`
    {CTCLabelDecode: n, SARLabelDecode: n + 2} for a MultiHead (and NRTRLabelDecode: n + 3 when its
    head_list has an NRTRHead, PP-OCRv4); a `DistillationSARLoss` ignores
    the SAR padding index n + 1 (a SARLoss inside MultiLoss too). Heads without a dictionary (DB, cls) are left alone.
    The caller's config is not modified.
    """
    arch, loss = copy.deepcopy(cfg["Architecture"]), copy.deepcopy(cfg["Loss"])
    character = getattr(post_process, "character", None)
    if character is None:
        return arch, loss
    n = len(character)
    for head in _heads(arch):
        if head.get("name") == "MultiHead":
            head["out_channels_list"] = {"CTCLabelDecode": n, "SARLabelDecode": n + 2}
            if any("NRTRHead" in entry for entry in head.get("head_list") or []):
                head["out_channels_list"]["NRTRLabelDecode"] = n + 3     # PP-OCRv4's NRTR guide
        elif head.get("name") != "ClsHead":
            head["out_channels"] = n
    for entry in loss.get("loss_config_list") or []:
        for name, params in entry.items():
            if name in ("SARLoss", "DistillationSARLoss"):   # MultiLoss / CombinedLoss SAR branch
                entry[name] = {**(params or {}), "ignore_index": n + 1}
    return arch, loss


def _check_global(global_cfg: dict) -> None:
    unknown = sorted(set(global_cfg) - GLOBAL_KEYS - PADDLEOCR_GLOBAL_KEYS)
    if unknown:
        logger.info("Global keys ignored by the trainer: %s", unknown)
    if "epoch_num" not in global_cfg:
        raise ConfigError("Global.epoch_num is missing: how many epochs to train (e.g. -o Global.epoch_num=2)")


def load_pretrained_model(model, g: dict):
    """Load `Global.pretrained_model` into `model` by PaddleOCR's rules; returns the LoadReport.

    As PaddleOCR's `load_pretrained_params`, a tensor of another shape (a new dictionary's fc)
    keeps its initial values and a file of which no key fits the model (an ImageNet backbone given
    to a DistillationModel) loads nothing: both with a warning that counts what was skipped.
    `Global.strict_load: true` raises WeightsError instead. Course extra: a distillation
    checkpoint loads its `Student` into a plain model (PaddleOCR would match no key).
    """
    from ..models.pretrained import load_pretrained

    strict = bool(g.get("strict_load", False))
    report = load_pretrained(model, g["pretrained_model"], skip_mismatched=not strict, allow_no_match=not strict)
    if not report.loaded:
        logger.warning("Global.pretrained_model %s: no key fits the model, training from scratch (as "
                       "PaddleOCR); set Global.strict_load: true to stop instead", g["pretrained_model"])
    elif report.mismatched:
        logger.warning("Global.pretrained_model: %d tensor(s) of another shape left at their initial "
                       "values: %s", len(report.mismatched), report.mismatched[:5])
    return report


def check_submodel_loads(model, strict: bool) -> None:
    """Under `Global.strict_load`, stop when an `Architecture.Models.X.pretrained` skipped tensors.

    A DistillationModel loads each sub-model's `pretrained` as PaddleOCR does (warn and skip, see
    models/distillation.py) and keeps the reports; strict mode turns a skipped shape or a file
    that fits nothing into a WeightsError.
    """
    from ..errors import WeightsError

    if not strict:
        return
    for name, report in (getattr(unwrap(model), "load_reports", None) or {}).items():
        if report.mismatched or not report.loaded:
            raise WeightsError(f"Architecture.Models.{name}.pretrained does not fit the sub-model "
                               f"(Global.strict_load is true):\n{report}")


def _visualdl(g: dict, rank: int):
    if not g.get("use_visualdl") or rank != 0:
        return None
    try:
        from visualdl import LogWriter
    except ImportError:
        logger.warning("Global.use_visualdl is true but VisualDL is not installed (pip install visualdl); "
                       "curves are still in history.csv")
        return None
    return LogWriter(logdir=str(Path(g.get("save_model_dir") or "./output") / "vdl"))


class Trainer:
    """All objects of one training run, built from a config; `fit()` trains, `evaluate()` scores.

    PP-OCR strategy: the training recipe of every PP-OCR model — single model, DML, CML and
    U-DML distillation (蒸馏) — runs through the same loop (train/loop.py); the config alone
    decides what is trained. Paper: PP-OCR arXiv:2009.09941, PP-OCRv2 arXiv:2109.03144,
    PP-OCRv3 arXiv:2206.03001. Lessons: lessons/07_train_db.ipynb (first use),
    12_cml_detection, 13_udml_recognition, 14_enhanced_ctc.

    Attributes: cfg, model (DataParallel-wrapped when distributed), train_loader, eval_loader,
    loss_fn, optimizer, lr_scheduler, post_process, metric, resume (the checkpoint states or {}),
    amp (`Global.use_amp` on a GPU, else None), load_report (what `pretrained_model` loaded).
    """

    def __init__(self, cfg: dict, model, train_loader, loss_fn, optimizer, lr_scheduler=None,
                 eval_loader=None, post_process=None, metric=None, resume: dict | None = None):
        self.cfg = cfg
        self.model, self.train_loader, self.eval_loader = model, train_loader, eval_loader
        self.loss_fn, self.optimizer, self.lr_scheduler = loss_fn, optimizer, lr_scheduler
        self.post_process, self.metric = post_process, metric
        self.resume = resume or {}
        self.amp = None                        # mixed precision settings (train/amp.py); None: float32

    @classmethod
    def from_config(cls, cfg: dict, *, with_eval: bool = True) -> "Trainer":
        """Build everything `cfg` describes (the config is not modified)."""
        from ..data import build_dataloader
        from ..losses import build_loss
        from ..metrics import build_metric
        from ..models import build_model
        from ..optim import build_optimizer
        from ..postprocess import build_postprocess

        g = cfg["Global"]
        _check_global(g)
        seed = seed_everything(int(g.get("seed", 1024)))
        if _distributed():
            paddle.distributed.init_parallel_env()
        cfg = _with_batch_cap(cfg)
        train_loader = build_dataloader(cfg, "Train", seed=seed)    # the seed fixes the line shuffle
        if len(train_loader) == 0:
            raise ConfigError("Train: the data loader is empty; check Train.dataset.label_file_list and that "
                              "batch_size_per_card is not larger than the dataset with drop_last: true")
        eval_loader = build_dataloader(cfg, "Eval", seed=seed) if with_eval and cfg.get("Eval") else None
        post_process = build_postprocess(cfg["PostProcess"], g) if cfg.get("PostProcess") else None
        arch, loss_cfg = wire_dictionary_size(cfg, post_process)
        model = build_model(arch)
        loss_fn = build_loss(loss_cfg)
        optimizer, lr_scheduler = build_optimizer(cfg["Optimizer"], epochs=int(g["epoch_num"]),
                                                  step_each_epoch=len(train_loader), model=model)
        metric = build_metric(cfg["Metric"]) if cfg.get("Metric") else None
        resume, load_report = {}, None
        check_submodel_loads(model, strict=bool(g.get("strict_load", False)))
        if g.get("checkpoints"):
            resume = load_checkpoint(g["checkpoints"], model, optimizer, lr_scheduler,
                                     strict=bool(g.get("strict_load", False)))
        elif g.get("pretrained_model"):
            load_report = load_pretrained_model(model, g)
        model, optimizer, amp = setup_amp(g, model, optimizer)     # after loading, before DataParallel
        if _distributed():
            model = paddle.DataParallel(model)
        trainer = cls(cfg, model, train_loader, loss_fn, optimizer, lr_scheduler, eval_loader, post_process,
                      metric, resume)
        trainer.load_report = load_report      # what `pretrained_model` loaded (None when not used)
        trainer.amp = amp
        return trainer

    def _log_file(self):
        """Add `<save_model_dir>/train.log` (INFO and up) to the `ocrcourse` logger; returns an undo
        callable, or None. If the caller quietened `ocrcourse` (e.g. a notebook set WARNING), the file
        still gets INFO while the console keeps the caller's level; everything is restored after fit."""
        out = self.cfg["Global"].get("save_model_dir")
        if not out or paddle.distributed.get_rank() != 0:
            return None
        Path(out).mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(Path(out) / "train.log", encoding="utf-8")
        handler.setFormatter(logging.Formatter("[%(asctime)s] %(name)s %(levelname)s: %(message)s"))
        package = logging.getLogger("ocrcourse")
        before = (package.level, package.propagate)
        added = [handler]
        if package.getEffectiveLevel() > logging.INFO:
            added.append(_ToRoot(package.getEffectiveLevel()))
            package.propagate = False
        for h in added:
            package.addHandler(h)
        package.setLevel(logging.INFO)

        def undo():
            for h in added:
                package.removeHandler(h)
            handler.close()
            package.setLevel(before[0])
            package.propagate = before[1]

        return undo

    def fit(self, on_step=None, on_eval=None, progress: bool = True):
        """Train as `Global` says; returns the history DataFrame (also written to history.csv)."""
        g = self.cfg["Global"]
        undo_log = self._log_file()
        visualdl = _visualdl(g, paddle.distributed.get_rank())
        try:
            if undo_log is not None:
                from ..config import dump_config
                dump_config(self.cfg, Path(g["save_model_dir"]) / "config.yml")
            return fit(
                self.model, self.train_loader, self.loss_fn, self.optimizer, self.lr_scheduler,
                epochs=int(g["epoch_num"]), eval_loader=self.eval_loader, post_process=self.post_process,
                metric=self.metric, main_indicator=(self.cfg.get("Metric") or {}).get("main_indicator"),
                save_model_dir=g.get("save_model_dir"), eval_batch_step=self._eval_batch_step(),
                print_batch_step=int(g.get("print_batch_step", 10)),
                save_epoch_step=int(g.get("save_epoch_step", 1) or 0), max_steps=self.max_steps(),
                cal_metric_during_train=bool(g.get("cal_metric_during_train", False)),
                log_smooth_window=int(g.get("log_smooth_window", 20)),
                seed=int(g.get("seed", 1024)), resume=self.resume, on_step=on_step, on_eval=on_eval,
                amp=self.amp, visualdl=visualdl, config=self.cfg, progress=progress)
        finally:
            if visualdl is not None:
                visualdl.close()
            if undo_log is not None:
                undo_log()

    def max_steps(self, quiet: bool = False) -> int | None:
        """`Global.max_steps`, limited in full mode by the step cap OCRCOURSE_MAX_STEPS (settings.py)."""
        asked = self.cfg["Global"].get("max_steps")
        capped = cap_steps(asked)
        if capped != asked and not quiet:
            logger.info("OCRCOURSE_MAX_STEPS caps training at %d steps (asked: %s)", capped,
                        asked if asked is not None else "no limit")
        return capped

    def _eval_batch_step(self):
        """`Global.eval_batch_step`; under the step cap a run that evaluates at all evaluates at its last
        step, so a capped full-mode run still goes through evaluation and writes the eval history."""
        schedule = self.cfg["Global"].get("eval_batch_step", [0, 2000])
        capped = self.max_steps(quiet=True)
        if capped is None or capped == self.cfg["Global"].get("max_steps") or eval_schedule(schedule)[1] <= 0:
            return schedule
        return [0, capped]

    def evaluate(self) -> dict:
        """The metric dict over the Eval set (what `ocrcourse eval` prints)."""
        if self.eval_loader is None or self.metric is None or self.post_process is None:
            raise ConfigError("evaluate needs Eval, PostProcess and Metric sections in the config")
        return evaluate(unwrap(self.model), self.eval_loader, self.post_process, self.metric, self.amp)


def _with_batch_cap(cfg: dict) -> dict:
    """`cfg` with Train.loader.batch_size_per_card limited by the full-mode batch cap OCRCOURSE_MAX_BATCH
    (settings.py); the same dict when no cap applies."""
    loader = (cfg.get("Train") or {}).get("loader") or {}
    asked = loader.get("batch_size_per_card")
    capped = None if asked is None else cap_batch(asked)
    if capped is None or capped == int(asked):
        return cfg
    logger.info("OCRCOURSE_MAX_BATCH caps the training batch at %d per card (asked: %d)", capped, asked)
    return {**cfg, "Train": {**cfg["Train"], "loader": {**loader, "batch_size_per_card": capped}}}


# ---------------------------------------------------------------- eval / export / export-center
def _model_with_weights(cfg: dict, post_process):
    """The config's model holding `Global.checkpoints` or else `Global.pretrained_model`."""
    from ..models import build_model

    g = cfg["Global"]
    arch, _ = wire_dictionary_size(cfg, post_process)
    model = build_model(arch)
    check_submodel_loads(model, strict=bool(g.get("strict_load", False)))
    if g.get("checkpoints"):
        load_checkpoint(g["checkpoints"], model, strict=bool(g.get("strict_load", False)))
    elif g.get("pretrained_model"):
        load_pretrained_model(model, g)
    else:
        logger.warning("neither Global.checkpoints nor Global.pretrained_model is set: the model has "
                       "random weights")
    return model


def build_for_eval(cfg: dict):
    """(model, eval_loader, post_process, metric) for `ocrcourse eval` / tools/eval.py."""
    from ..data import build_dataloader
    from ..metrics import build_metric
    from ..postprocess import build_postprocess

    for section in ("Eval", "PostProcess", "Metric"):
        if not cfg.get(section):
            raise ConfigError(f"evaluation needs a {section} section in the config")
    seed = seed_everything(int(cfg["Global"].get("seed", 1024)))
    post_process = build_postprocess(cfg["PostProcess"], cfg["Global"])
    model = _model_with_weights(cfg, post_process)
    return model, build_dataloader(cfg, "Eval", seed=seed), post_process, build_metric(cfg["Metric"])


def build_for_export(cfg: dict):
    """The model to export, with its weights, in eval mode."""
    from ..postprocess import build_postprocess

    post_process = build_postprocess(cfg["PostProcess"], cfg["Global"]) if cfg.get("PostProcess") else None
    model = _model_with_weights(cfg, post_process)
    model.eval()
    return model


def build_for_centers(cfg: dict):
    """(model, loader) for export-center: the Eval transforms over the Train label files, as
    PaddleOCR's tools/export_center.py does (no augmentation, training samples)."""
    from ..data import build_dataloader
    from ..postprocess import build_postprocess

    cfg = copy.deepcopy(cfg)
    for key in ("name", "data_dir", "label_file_list"):
        cfg["Eval"]["dataset"][key] = cfg["Train"]["dataset"][key]
    post_process = build_postprocess(cfg["PostProcess"], cfg["Global"])
    seed = int(cfg["Global"].get("seed", 1024))
    return _model_with_weights(cfg, post_process), build_dataloader(cfg, "Eval", seed=seed)


def center_file_path(cfg: dict) -> str | None:
    """`center_file_path` of the config's CenterLoss entry, if it has one."""
    loss = cfg.get("Loss") or {}
    if loss.get("name") == "CenterLoss":
        return loss.get("center_file_path")
    for entry in loss.get("loss_config_list") or []:
        params = entry.get("CenterLoss")
        if params:
            return params.get("center_file_path")
    return None
