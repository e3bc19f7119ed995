import numpy as np
import pytest

from ocrcourse import settings
from ocrcourse.errors import ConfigError


def test_mode_from_environment(monkeypatch):
    monkeypatch.setenv("OCRCOURSE_MODE", "full")
    assert settings.mode() == "full" and settings.by_mode(1, 2) == 2
    monkeypatch.setenv("OCRCOURSE_MODE", "quick")
    assert settings.is_quick() and settings.by_mode(1, 2) == 1
    monkeypatch.setenv("OCRCOURSE_MODE", "fast")
    with pytest.raises(ConfigError, match="quick"):
        settings.mode()


def test_default_mode_follows_device(monkeypatch):
    monkeypatch.delenv("OCRCOURSE_MODE", raising=False)
    expected = "full" if settings.device() == "gpu" else "quick"
    assert settings.mode() == expected


def test_seed_everything_repeats_numpy_and_paddle():
    import paddle

    settings.seed_everything(3)
    a = np.random.rand(3), paddle.rand([3]).numpy()
    settings.seed_everything(3)
    b = np.random.rand(3), paddle.rand([3]).numpy()
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


def test_home_respects_env(monkeypatch, tmp_path):
    monkeypatch.setenv("OCRCOURSE_HOME", str(tmp_path))
    assert settings.home() == str(tmp_path)
