"""Checkpoint layout (PaddleOCR's best_accuracy/latest .pdparams/.pdopt/.states), atomic writes, resume."""
from __future__ import annotations

import os
import pickle

import numpy as np
import paddle
import pytest

from ocrcourse.errors import WeightsError
from ocrcourse.train import checkpoint
from ocrcourse.train.checkpoint import load_checkpoint, save_checkpoint


def _model_and_optimizer(seed=0):
    paddle.seed(seed)
    model = paddle.nn.Sequential(paddle.nn.Linear(3, 4), paddle.nn.BatchNorm1D(4), paddle.nn.Linear(4, 2))
    sched = paddle.optimizer.lr.CosineAnnealingDecay(learning_rate=0.1, T_max=10)
    opt = paddle.optimizer.Adam(learning_rate=sched, parameters=model.parameters())
    return model, opt, sched


def _train(model, opt, sched, steps=3, seed=0):
    rng = np.random.RandomState(seed)
    for _ in range(steps):
        loss = model(paddle.to_tensor(rng.randn(5, 3).astype("float32"))).pow(2).mean()
        loss.backward()
        opt.step()
        opt.clear_grad()
        sched.step()


def test_layout_and_states(tmp_path):
    model, opt, sched = _model_and_optimizer()
    _train(model, opt, sched)
    prefix = save_checkpoint(model, opt, tmp_path, "latest", epoch=2, global_step=6,
                             best_model_dict={"hmean": 0.5, "best_epoch": 1}, lr_scheduler=sched)
    assert prefix == tmp_path / "latest"
    names = sorted(os.listdir(tmp_path))
    assert names == ["latest.pdopt", "latest.pdparams", "latest.states"]     # no temp files left
    with open(tmp_path / "latest.states", "rb") as f:
        states = pickle.load(f)
    assert states["epoch"] == 2 and states["global_step"] == 6
    assert states["best_model_dict"] == {"hmean": 0.5, "best_epoch": 1}
    params = paddle.load(str(tmp_path / "latest.pdparams"))
    assert set(params) == set(model.state_dict())        # plain keys, BN running stats included


def test_load_restores_model_optimizer_and_schedule(tmp_path):
    model, opt, sched = _model_and_optimizer(0)
    _train(model, opt, sched)
    save_checkpoint(model, opt, tmp_path, "latest", epoch=1, global_step=3, lr_scheduler=sched)
    _train(model, opt, sched, steps=2, seed=1)           # the uninterrupted continuation
    expected = {k: v.numpy() for k, v in model.state_dict().items()}

    # A second model in the same process: other init and other internal parameter names
    # (linear_3 instead of linear_0), which key the Adam moments in .pdopt.
    model2, opt2, sched2 = _model_and_optimizer(1)
    states = load_checkpoint(str(tmp_path / "latest") + ".pdparams", model2, opt2, sched2)  # suffix ok
    assert states["start_epoch"] == 2 and states["global_step"] == 3 and states["step_in_epoch"] == 0
    assert sched2.last_epoch == 3
    _train(model2, opt2, sched2, steps=2, seed=1)
    for k, v in model2.state_dict().items():
        np.testing.assert_allclose(v.numpy(), expected[k], rtol=1e-6, atol=1e-7)


def test_strict_load_rejects_a_checkpoint_of_another_model(tmp_path):
    model, opt, _ = _model_and_optimizer()
    save_checkpoint(model, opt, tmp_path, "latest", epoch=1, global_step=1)
    other = paddle.nn.Sequential(paddle.nn.Linear(3, 5))
    with pytest.raises(WeightsError, match="does not match"):
        load_checkpoint(tmp_path / "latest", other, strict=True)
    with pytest.raises(WeightsError, match="not found"):
        load_checkpoint(tmp_path / "nothing", model)


def test_atomic_save_keeps_the_old_checkpoint_when_writing_fails(tmp_path, monkeypatch):
    model, opt, sched = _model_and_optimizer()
    save_checkpoint(model, opt, tmp_path, "best_accuracy", epoch=1, global_step=1)
    before = {n: (tmp_path / n).read_bytes() for n in os.listdir(tmp_path)}
    _train(model, opt, sched)

    real_save = paddle.save

    def torn_save(obj, path, *args, **kwargs):       # a crash half-way through writing the file
        real_save(obj, path, *args, **kwargs)
        with open(path, "r+b") as f:
            f.truncate(10)
        raise KeyboardInterrupt("killed while saving")

    monkeypatch.setattr(checkpoint.paddle, "save", torn_save)
    with pytest.raises(KeyboardInterrupt):
        save_checkpoint(model, opt, tmp_path, "best_accuracy", epoch=2, global_step=4)
    after = {n: (tmp_path / n).read_bytes() for n in os.listdir(tmp_path)}
    assert after == before                           # old files intact, no temp file left behind
    monkeypatch.undo()
    restored, _, _ = _model_and_optimizer(5)
    load_checkpoint(tmp_path / "best_accuracy", restored)     # still loadable


def test_a_crash_while_writing_states_keeps_the_whole_old_set(tmp_path, monkeypatch):
    """The new .pdparams / .pdopt are complete before anything is published: a crash while the
    .states is written leaves all three old files, not new weights beside old states."""
    model, opt, sched = _model_and_optimizer()
    save_checkpoint(model, opt, tmp_path, "latest", epoch=1, global_step=1)
    before = {n: (tmp_path / n).read_bytes() for n in os.listdir(tmp_path)}
    _train(model, opt, sched)

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("killed while writing .states")

    monkeypatch.setattr(checkpoint.pickle, "dump", crash)
    with pytest.raises(KeyboardInterrupt):
        save_checkpoint(model, opt, tmp_path, "latest", epoch=2, global_step=4)
    assert {n: (tmp_path / n).read_bytes() for n in os.listdir(tmp_path)} == before


def test_a_torn_set_is_detected_at_resume(tmp_path):
    """Weights from one save beside .states from another (a kill between the renames) must not
    resume silently."""
    model, opt, sched = _model_and_optimizer()
    save_checkpoint(model, opt, tmp_path / "a", "latest", epoch=1, global_step=1)
    _train(model, opt, sched)
    save_checkpoint(model, opt, tmp_path / "b", "latest", epoch=2, global_step=4)
    os.replace(tmp_path / "b" / "latest.pdparams", tmp_path / "a" / "latest.pdparams")
    restored, ropt, _ = _model_and_optimizer(5)
    with pytest.raises(WeightsError, match="torn"):
        load_checkpoint(tmp_path / "a" / "latest", restored, ropt)


def test_default_load_warns_and_skips_as_paddleocr(tmp_path, caplog):
    """PaddleOCR's load_model: a missing key or another shape keeps its initial value, with a warning."""
    model, opt, _ = _model_and_optimizer()
    save_checkpoint(model, opt, tmp_path, "latest", epoch=1, global_step=1)
    paddle.seed(5)
    other = paddle.nn.Sequential(paddle.nn.Linear(3, 4), paddle.nn.BatchNorm1D(4), paddle.nn.Linear(4, 3),
                                 paddle.nn.Linear(3, 1))
    before = {k: v.numpy().copy() for k, v in other.state_dict().items()}
    opt2 = paddle.optimizer.Adam(parameters=other.parameters())
    with caplog.at_level("WARNING", logger="ocrcourse.train.checkpoint"):
        states = load_checkpoint(tmp_path / "latest", other, opt2)
    assert states["start_epoch"] == 2
    saved = model.state_dict()
    after = other.state_dict()
    np.testing.assert_array_equal(after["0.weight"].numpy(), saved["0.weight"].numpy())   # same shape: loaded
    for k in ("2.weight", "2.bias", "3.weight", "3.bias"):                              # shape / missing: kept
        np.testing.assert_array_equal(after[k].numpy(), before[k])
    text = caplog.text
    assert "4 of 10 tensors keep their initial values (2 missing from the file" in text
    assert "2 of another shape" in text and "optimizer starts fresh" in text
