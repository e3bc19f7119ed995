"""Optimiser builders: coupled L2 semantics and ParamAttr overrides per fixtures/lr_schedules.json."""
import json
from pathlib import Path

import numpy as np
import paddle
import pytest
from paddle import nn

from ocrcourse.errors import ConfigError
from ocrcourse.optim import OPTIMIZERS, build_optimizer

FX = json.loads((Path(__file__).parents[1] / "fixtures" / "lr_schedules.json").read_text())


class _Tiny(nn.Layer):
    """One weight vector under the global L2, one with its own ParamAttr L2Decay(0)."""

    def __init__(self, init):
        super().__init__()
        self.free = nn.Linear(3, 1, bias_attr=False)
        self.own = nn.Linear(3, 1, bias_attr=False,
                             weight_attr=paddle.ParamAttr(regularizer=paddle.regularizer.L2Decay(0.0)))
        self.bn = nn.BatchNorm1D(1)              # its running stats must not be optimised
        value = paddle.to_tensor(np.asarray(init, "float32").reshape(3, 1))
        self.free.weight.set_value(value)
        self.own.weight.set_value(value)

    def forward(self, x):
        return self.free(x) + self.own(x)


def _one_zero_grad_step(name, **extra):
    fx = FX["adam_float_weight_decay"]
    model = _Tiny(fx["init"])
    cfg = {"name": name, "lr": {"name": "Const", "learning_rate": fx["lr"]},
           "regularizer": {"name": "L2", "factor": fx["weight_decay"]}, **extra}
    opt, sched = build_optimizer(cfg, epochs=1, step_each_epoch=1, model=model)
    (model(paddle.zeros([1, 3])) * 0).sum().backward()      # zero gradient: only decay acts
    opt.step()
    return model, opt, sched


def test_adam_coupled_l2_and_paramattr_override():
    model, opt, _ = _one_zero_grad_step("Adam", beta1=0.9, beta2=0.999)
    np.testing.assert_allclose(model.free.weight.numpy().ravel(),
                               FX["adam_float_weight_decay"]["after_one_step_zero_grad"], rtol=1e-5)
    np.testing.assert_allclose(
        model.own.weight.numpy().ravel(),
        FX["adam_float_weight_decay_with_paramattr_L2Decay0"]["after_one_step_zero_grad"], rtol=1e-6)
    assert all(p.trainable for p in opt._parameter_list)
    assert len(opt._parameter_list) == 4                     # 2 weights + BN gamma/beta


def test_momentum_and_sgd_coupled_l2():
    init = np.asarray(FX["adam_float_weight_decay"]["init"])
    for name in ("Momentum", "SGD"):
        model, _, _ = _one_zero_grad_step(name)
        # plain gradient step on grad = 0.5·w with lr 0.1: w·(1 - 0.05)
        np.testing.assert_allclose(model.free.weight.numpy().ravel(), init * 0.95, rtol=1e-6)
        np.testing.assert_allclose(model.own.weight.numpy().ravel(), init, rtol=1e-6)


def test_paramattr_l2_factor_wins_over_global_factor():
    """Like CTCHead's fc_decay: the parameter's own L2Decay(f_own) is used instead of f."""
    model = nn.Linear(2, 1, bias_attr=False,
                      weight_attr=paddle.ParamAttr(regularizer=paddle.regularizer.L2Decay(0.25)))
    model.weight.set_value(paddle.ones([2, 1]))
    opt, _ = build_optimizer({"name": "SGD", "lr": {"learning_rate": 0.1},
                              "regularizer": {"name": "L2", "factor": 0.5}}, 1, 1, model)
    (model(paddle.zeros([1, 2])) * 0).sum().backward()
    opt.step()
    np.testing.assert_allclose(model.weight.numpy().ravel(), [1 - 0.1 * 0.25] * 2, rtol=1e-6)


def test_adamw_is_decoupled_and_exempts_names():
    init = np.asarray(FX["adam_float_weight_decay"]["init"])
    model, _, _ = _one_zero_grad_step("AdamW", no_weight_decay_name="own")
    np.testing.assert_allclose(model.free.weight.numpy().ravel(), init * (1 - 0.1 * 0.5), rtol=1e-6)
    np.testing.assert_allclose(model.own.weight.numpy().ravel(), init, rtol=1e-6)


def test_scheduler_drives_optimizer_and_clip_is_built():
    model = _Tiny([1.0, 2.0, 3.0])
    cfg = {"name": "Adam", "clip_norm": 10.0,
           "lr": {"name": "Cosine", "learning_rate": 0.001, "warmup_epoch": 1}}
    opt, sched = build_optimizer(cfg, epochs=2, step_each_epoch=5, model=model)
    assert opt.get_lr() == 0.0
    sched.step()
    assert opt.get_lr() == pytest.approx(0.0002)
    assert isinstance(opt._grad_clip, nn.ClipGradByNorm)
    assert "lr" in cfg and cfg["clip_norm"] == 10.0             # the config is not mutated


def test_config_errors():
    model = _Tiny([1.0, 2.0, 3.0])
    with pytest.raises(ConfigError, match="available"):
        build_optimizer({"name": "Adamax", "lr": {"learning_rate": 0.1}}, 1, 1, model)
    with pytest.raises(ConfigError, match="L2 or L1"):
        build_optimizer({"name": "Adam", "lr": {"learning_rate": 0.1},
                         "regularizer": {"name": "L3", "factor": 0.1}}, 1, 1, model)
    with pytest.raises(ConfigError, match="lr"):
        build_optimizer({"name": "Adam"}, 1, 1, model)
    assert sorted(OPTIMIZERS) == ["Adam", "AdamW", "Momentum", "SGD"]
