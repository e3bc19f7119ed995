import numpy as np
import paddle
import pytest

from ocrcourse.models.pruning import fpgm_ranking, fpgm_scores


def _brute_force(w):
    flat = w.reshape(w.shape[0], -1).astype(np.float64)
    return np.array([sum(np.linalg.norm(a - b) for b in flat) for a in flat])


def test_scores_match_pairwise_distances():
    w = np.random.default_rng(0).normal(size=(6, 3, 3, 3)).astype(np.float32)
    np.testing.assert_allclose(fpgm_scores(w), _brute_force(w), rtol=1e-6)


def test_filter_at_the_median_is_pruned_first():
    # four filters at the corners of a square and one at its centre: the centre is the
    # geometric median, the most replaceable filter, although its norm is not the smallest
    centre = np.array([5.0, 5.0])
    corners = [centre + d for d in ([1, 1], [1, -1], [-1, 1], [-1, -1])]
    w = np.stack(corners[:2] + [centre] + corners[2:]).reshape(5, 2, 1, 1)
    ranking = fpgm_ranking(w)
    assert ranking[0] == 2
    norms = np.linalg.norm(w.reshape(5, -1), axis=1)
    assert np.argmin(norms) != 2          # a norm criterion would pick another filter


def test_accepts_paddle_tensor_and_is_stable():
    w = paddle.ones([4, 2, 3, 3])
    assert fpgm_ranking(w).tolist() == [0, 1, 2, 3]       # all equal: ties keep index order
    np.testing.assert_allclose(fpgm_scores(w), 0.0)


def test_rejects_vectors():
    with pytest.raises(ValueError):
        fpgm_scores(np.ones(3))
