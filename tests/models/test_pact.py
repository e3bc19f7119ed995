import numpy as np
import paddle

from ocrcourse.models.pact import PACT, pact_relu, pact_symmetric


def test_pact_relu_is_clip_to_zero_alpha():
    x = np.linspace(-10, 10, 41)
    np.testing.assert_allclose(pact_relu(x, 6.0), np.clip(x, 0, 6.0))


def test_pact_symmetric_keeps_hardswish_negatives():
    x = np.linspace(-10, 10, 41)
    np.testing.assert_allclose(pact_symmetric(x, 6.0), np.clip(x, -6.0, 6.0))
    hs = x * np.clip(x + 3, 0, 6) / 6                     # hard-swish, minimum -0.375 at x = -1.5
    assert pact_symmetric(hs, 6.0).min() < 0 and pact_relu(hs, 6.0).min() == 0


def test_pact_layer_matches_function_and_learns_alpha_from_clipped_inputs():
    layer = PACT(init_alpha=2.0)
    x = paddle.to_tensor([-3.0, -1.0, 0.5, 2.5, 4.0])
    y = layer(x)
    np.testing.assert_allclose(y.numpy(), pact_symmetric(x.numpy(), 2.0), rtol=1e-6)
    y.sum().backward()
    # d/d alpha: -1 for x < -alpha, +1 for x > alpha, 0 inside -> -1 + 1 + 1
    np.testing.assert_allclose(layer.alpha.grad.numpy(), [1.0])
    assert PACT().alpha.numpy().tolist() == [20.0]
