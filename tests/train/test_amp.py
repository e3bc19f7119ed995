"""Mixed precision wiring as PaddleOCR's (Global.amp_level / amp_dtype / custom lists, loss outside
auto_cast on float32 predictions, eval under auto_cast). Paddle's auto_cast does nothing on a CPU
(it warns), so the tests check what our code hands to Paddle and run the real calls on CPU."""
from __future__ import annotations

import contextlib

import numpy as np
import paddle
import pytest

from ocrcourse.errors import ConfigError
from ocrcourse.train import amp as amp_mod
from ocrcourse.train.amp import AmpConfig, setup_amp, to_float32
from ocrcourse.train.loop import evaluate, fit, train_step


def test_to_float32_casts_nested_predictions():
    half = paddle.ones([2], dtype="float16")
    out = to_float32({"maps": half, "list": [half, {"x": half}], "ids": paddle.to_tensor([1, 2])})
    assert out["maps"].dtype == paddle.float32 and out["list"][0].dtype == paddle.float32
    assert out["list"][1]["x"].dtype == paddle.float32
    assert out["ids"].dtype == paddle.int64                   # integers stay integers


@pytest.mark.parametrize("g, match", [({"amp_level": "O3"}, "amp_level"), ({"amp_dtype": "int8"}, "amp_dtype"),
                                      ({"amp_custom_black_list": "exp"}, "list of op names")])
def test_bad_amp_settings_are_config_errors(g, match):
    with pytest.raises(ConfigError, match=match):
        setup_amp({"use_amp": True, **g}, None, None, on_device="gpu")


def _model_and_opt():
    paddle.seed(0)
    model = paddle.nn.Sequential(paddle.nn.Linear(4, 8), paddle.nn.ReLU(), paddle.nn.Linear(8, 1))
    return model, paddle.optimizer.Adam(learning_rate=0.01, parameters=model.parameters())


def test_setup_amp_defaults_to_o2_with_master_weights(monkeypatch):
    calls, scalers = [], []
    real, real_scaler = paddle.amp.decorate, paddle.amp.GradScaler
    monkeypatch.setattr(paddle.amp, "decorate", lambda **kw: calls.append(kw) or real(**kw))
    monkeypatch.setattr(paddle.amp, "GradScaler", lambda **kw: scalers.append(kw) or real_scaler(**kw))
    model, opt = _model_and_opt()
    g = {"use_amp": True, "scale_loss": 1024.0, "use_dynamic_loss_scaling": True, "amp_custom_black_list": ["exp"]}
    _, _, amp = setup_amp(g, model, opt, on_device="gpu")       # past the device check; Paddle runs on CPU
    assert (amp.level, amp.dtype, amp.custom_black_list, amp.custom_white_list) == ("O2", "float16", ["exp"], [])
    assert [(c["level"], c["master_weight"], c["dtype"]) for c in calls] == [("O2", True, "float16")]
    assert scalers == [{"init_loss_scaling": 1024.0, "use_dynamic_loss_scaling": True}]   # Paddle disables it on CPU
    calls.clear()
    _, _, amp = setup_amp({"use_amp": True, "amp_level": "O1", "amp_dtype": "bfloat16"}, model, opt, on_device="gpu")
    assert (amp.level, amp.dtype) == ("O1", "bfloat16") and calls == []        # O1: no decorate


class _Spy:
    """paddle.amp.auto_cast that records its arguments and whether the code runs inside it."""

    def __init__(self):
        self.calls, self.inside = [], False

    @contextlib.contextmanager
    def __call__(self, **kwargs):
        self.calls.append(kwargs)
        self.inside = True
        try:
            yield
        finally:
            self.inside = False


class _HalfOut(paddle.nn.Layer):
    """Returns float16 predictions, as a network under auto_cast on a GPU does."""

    def __init__(self):
        super().__init__()
        self.fc = paddle.nn.Linear(4, 1)

    def forward(self, x):
        return self.fc(x).astype("float16")


def test_train_step_loss_runs_outside_auto_cast_on_float32(monkeypatch):
    spy = _Spy()
    monkeypatch.setattr(amp_mod.paddle.amp, "auto_cast", spy)
    model = _HalfOut()
    opt = paddle.optimizer.SGD(learning_rate=0.1, parameters=model.parameters())
    seen = []

    def loss_fn(preds, batch):
        seen.append((spy.inside, preds.dtype))
        return {"loss": ((preds - batch[1]) ** 2).mean()}

    amp = AmpConfig(paddle.amp.GradScaler(init_loss_scaling=1.0), "O2", "float16", ["exp"], ["matmul"])
    batch = [paddle.rand([3, 4]), paddle.rand([3, 1])]
    before = model.fc.weight.numpy().copy()
    train_step(model, batch, loss_fn, opt, amp=amp)
    assert seen == [(False, paddle.float32)]
    assert spy.calls == [{"level": "O2", "custom_black_list": ["exp"], "custom_white_list": ["matmul"],
                          "dtype": "float16"}]
    assert not np.allclose(model.fc.weight.numpy(), before)     # the scaled step updated the weights


def test_evaluate_runs_under_auto_cast_and_post_processes_float32(monkeypatch):
    spy = _Spy()
    monkeypatch.setattr(amp_mod.paddle.amp, "auto_cast", spy)
    loader = [[paddle.rand([2, 4]), paddle.rand([2, 1])]]
    dtypes = []

    class Metric:
        def __call__(self, post, batch):
            pass

        def get_metric(self):
            return {"n": 1.0}

    def post(preds, labels):
        dtypes.append(preds.dtype)
        return preds

    amp = AmpConfig(None, "O2", "float16", ["exp"], ["matmul"])
    assert evaluate(_HalfOut(), loader, post, Metric(), amp) == {"n": 1.0}
    assert dtypes == [paddle.float32]
    assert spy.calls == [{"level": "O2", "custom_black_list": ["exp"], "custom_white_list": None,
                          "dtype": "float16"}]     # PaddleOCR's eval passes no white list


def test_fit_with_amp_runs_on_cpu_with_the_real_paddle_calls():
    """On CPU Paddle's auto_cast is a no-op with a warning; the path still trains."""
    model, opt = _model_and_opt()
    model, opt, _ = setup_amp({"use_amp": False}, model, opt)
    amp = AmpConfig(paddle.amp.GradScaler(init_loss_scaling=1.0, use_dynamic_loss_scaling=False), "O1", "bfloat16")
    rng = np.random.RandomState(0)
    x = rng.randn(32, 4).astype("float32")
    data = [[paddle.to_tensor(x[i:i + 8]), paddle.to_tensor(x[i:i + 8].sum(1, keepdims=True))] for i in range(0, 32, 8)]
    history = fit(model, data, lambda p, b: {"loss": ((p - b[1]) ** 2).mean()}, opt, epochs=5, amp=amp,
                  progress=False)
    assert history["loss"].iloc[-4:].mean() < history["loss"].iloc[:4].mean()
