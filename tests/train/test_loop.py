"""The loop on a tiny regression problem: loss drops, history, eval + best checkpoint, NaN stop,
exact resume after an interruption inside an epoch."""
from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import paddle
import pytest

from ocrcourse.losses.checks import NonFiniteError
from ocrcourse.train.checkpoint import load_checkpoint
from ocrcourse.train.loop import eval_schedule, fit


class _Data(paddle.io.Dataset):
    def __init__(self, n=24, seed=0):
        rng = np.random.RandomState(seed)
        self.x = rng.randn(n, 4).astype("float32")
        self.y = (self.x @ np.array([[1.0], [-2.0], [0.5], [3.0]], "float32")).astype("float32")

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        noise = np.float32(np.random.randn() * 0.01)     # a random "augmentation" (numpy RNG)
        return self.x[i] + noise, self.y[i]


def _mse(preds, batch):
    err = ((preds - batch[1]) ** 2).mean()
    return {"loss": err, "loss_mse": err}


class _Post:
    def __call__(self, preds, labels):
        return preds.numpy(), labels


class _Metric:
    main_indicator = "score"

    def __init__(self):
        self.reset()

    def __call__(self, post, batch):
        self.errors.append(float(((post[0] - post[1]) ** 2).mean()))

    def get_metric(self):
        out = {"score": 1.0 / (1.0 + float(np.mean(self.errors)))}
        self.reset()
        return out

    def reset(self):
        self.errors = []


def _build(seed=0, lr=0.05, epochs=3):
    paddle.seed(seed)
    model = paddle.nn.Sequential(paddle.nn.Linear(4, 16), paddle.nn.ReLU(), paddle.nn.Linear(16, 1))
    loader = paddle.io.DataLoader(_Data(), batch_size=4, shuffle=True, num_workers=0)
    sched = paddle.optimizer.lr.LinearWarmup(
        paddle.optimizer.lr.CosineAnnealingDecay(learning_rate=lr, T_max=epochs * len(loader)),
        warmup_steps=3, start_lr=0.0, end_lr=lr)
    opt = paddle.optimizer.Adam(learning_rate=sched, parameters=model.parameters())
    return model, loader, opt, sched


def _params(model):
    return {k: v.numpy().copy() for k, v in model.state_dict().items()}


def test_eval_schedule():
    assert eval_schedule([3000, 2000]) == (3000, 2000)
    assert eval_schedule(50) == (0, 50)


def test_fit_trains_logs_and_saves_best(tmp_path):
    model, loader, opt, sched = _build()
    eval_loader = paddle.io.DataLoader(_Data(8, seed=1), batch_size=4)
    seen = []
    history = fit(model, loader, _mse, opt, sched, epochs=3, eval_loader=eval_loader, post_process=_Post(),
                  metric=_Metric(), save_model_dir=tmp_path, eval_batch_step=[0, 6], save_epoch_step=2,
                  on_step=lambda s: seen.append(s.step), progress=False)
    assert list(history["step"]) == list(range(1, 19)) == seen
    assert {"step", "epoch", "lr", "loss", "loss_mse", "eval_score"} <= set(history.columns)
    assert history["lr"].iloc[0] == 0.0                          # warmup starts at 0, read before the step
    first, last = history["loss"].iloc[:3].mean(), history["loss"].iloc[-3:].mean()
    assert last < 0.5 * first
    assert history["eval_score"].notna().sum() == 3           # after steps 6, 12, 18
    names = set(os.listdir(tmp_path))
    for prefix in ("best_accuracy", "latest", "iter_epoch_2"):
        assert {f"{prefix}.pdparams", f"{prefix}.pdopt", f"{prefix}.states"} <= names
    assert "history.csv" in names
    with open(tmp_path / "latest.states", "rb") as f:
        states = pickle.load(f)
    assert states["epoch"] == 3 and states["global_step"] == 18
    assert states["best_model_dict"]["score"] == pytest.approx(history["eval_score"].max())


def test_nan_loss_stops_with_the_step_and_loss_parts(tmp_path):
    model, loader, opt, sched = _build()

    def exploding(preds, batch, calls=[0]):
        calls[0] += 1
        out = _mse(preds, batch)
        if calls[0] == 5:
            out = {"loss": out["loss"] * float("nan"), "loss_mse": out["loss_mse"]}
        return out

    with pytest.raises(NonFiniteError, match=r"step 5.*loss=nan.*loss_mse="):
        fit(model, loader, exploding, opt, sched, epochs=2, save_model_dir=tmp_path, progress=False)
    for v in model.state_dict().values():
        assert np.isfinite(v.numpy()).all()                      # no update with the NaN gradient
    assert not (tmp_path / "latest.pdparams").exists()           # nothing half-good was saved


def test_nan_in_the_predictions_names_the_step():
    model, loader, opt, sched = _build()

    def strict(preds, batch, calls=[0]):
        calls[0] += 1
        if calls[0] == 3:
            raise NonFiniteError("DBLoss: predicts['maps'] contains 1 NaN value(s)")
        return _mse(preds, batch)

    with pytest.raises(NonFiniteError, match=r"at optimiser step 3: DBLoss"):
        fit(model, loader, strict, opt, sched, epochs=1, progress=False)


def test_resume_inside_an_epoch_repeats_the_uninterrupted_run(tmp_path):
    model, loader, opt, sched = _build()
    fit(model, loader, _mse, opt, sched, epochs=3, progress=False, seed=7)
    expected = _params(model)

    model, loader, opt, sched = _build()
    fit(model, loader, _mse, opt, sched, epochs=3, max_steps=8, save_model_dir=tmp_path, progress=False, seed=7)
    interrupted = _params(model)
    assert any(not np.allclose(interrupted[k], expected[k]) for k in expected)

    model, loader, opt, sched = _build(seed=3)                  # a fresh process would start like this
    states = load_checkpoint(tmp_path / "latest", model, opt, sched)
    assert (states["start_epoch"], states["global_step"], states["step_in_epoch"]) == (2, 8, 2)
    history = fit(model, loader, _mse, opt, sched, epochs=3, resume=states, progress=False, seed=7)
    assert list(history["step"]) == list(range(9, 19))
    for k, v in _params(model).items():
        np.testing.assert_allclose(v, expected[k], rtol=1e-6, atol=1e-7)


# In a child process with a timeout: a sample that raised used to hang the loop (Paddle's loader
# thread died and the loop waited for the next batch forever).
_FAILS_IN_EPOCH_2 = """
import sys
import numpy as np, paddle
from ocrcourse.data import build_dataloader
from ocrcourse.train.loop import fit

class FailsInEpoch2(paddle.io.Dataset):     # 4 samples; the 3rd read of epoch 2 raises
    reads = 0
    def __len__(self):
        return 4
    def __getitem__(self, i):
        FailsInEpoch2.reads += 1
        if FailsInEpoch2.reads == 7:
            raise ValueError("unreadable sample")
        return [np.full((4,), i, "float32"), np.full((1,), i, "float32")]

def mse(preds, batch):
    err = ((preds - batch[1]) ** 2).mean()
    return {"loss": err}

paddle.seed(0)
model = paddle.nn.Linear(4, 1)
opt = paddle.optimizer.Adam(learning_rate=0.01, parameters=model.parameters())
cfg = {"Train": {"loader": {"batch_size_per_card": 2, "shuffle": False, "num_workers": 0}}}
loader = build_dataloader(cfg, "Train", dataset=FailsInEpoch2())

def keep_epoch_1(state):
    if state.step == 2:
        paddle.save(model.state_dict(), sys.argv[1] + "/after_epoch_1.pdparams")

fit(model, loader, mse, opt, epochs=3, save_model_dir=sys.argv[1], on_step=keep_epoch_1, progress=False)
"""


def test_a_sample_that_raises_stops_fit_and_keeps_the_last_checkpoint(tmp_path):
    run = subprocess.run([sys.executable, "-c", _FAILS_IN_EPOCH_2, str(tmp_path)], capture_output=True,
                         text=True, timeout=120, cwd=Path(__file__).resolve().parents[2])
    assert run.returncode == 1, run.stderr[-3000:]
    last = run.stderr.strip().splitlines()
    message = "\n".join(last[-4:])
    assert "DataError: Train data: dataset[" in message and "ValueError: unreadable sample" in message
    assert "epoch 2 after optimiser step 3" in message and "Global.checkpoints" in message
    model = paddle.nn.Linear(4, 1)
    states = load_checkpoint(tmp_path / "latest", model)
    assert (states["start_epoch"], states["global_step"], states["step_in_epoch"]) == (2, 2, 0)
    for k, v in paddle.load(str(tmp_path / "after_epoch_1.pdparams")).items():
        np.testing.assert_array_equal(model.state_dict()[k].numpy(), v.numpy())
    history = (tmp_path / "history.csv").read_text().splitlines()
    assert [row.split(",")[0] for row in history[1:]] == ["1", "2", "3"]     # up to the step before the error


class _Reporting(_Data):
    """A dataset that counts its report() calls, as SimpleDataSet reports skipped images."""

    def __init__(self):
        super().__init__(n=8)
        self.reports = 0

    def report(self):
        self.reports += 1
        return {}


@pytest.mark.parametrize("guarded", [False, True])
def test_the_dataset_reports_skipped_images_after_every_epoch(guarded):
    from ocrcourse.data import build_dataloader

    model, _, opt, sched = _build()
    data = _Reporting()
    if guarded:                                    # build_dataloader wraps the dataset in its guard
        cfg = {"Train": {"loader": {"batch_size_per_card": 4, "num_workers": 0}}}
        loader = build_dataloader(cfg, "Train", dataset=data)
    else:
        loader = paddle.io.DataLoader(data, batch_size=4, num_workers=0)
    fit(model, loader, _mse, opt, sched, epochs=3, progress=False)
    assert data.reports == 3
