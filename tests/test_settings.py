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


def test_step_cap_applies_only_in_full_mode(monkeypatch):
    monkeypatch.setenv("OCRCOURSE_MAX_STEPS", "2")
    monkeypatch.setenv("OCRCOURSE_MODE", "full")
    assert settings.max_steps() == 2
    assert settings.cap_steps(2000) == 2 and settings.cap_steps(1) == 1 and settings.cap_steps(None) == 2
    monkeypatch.setenv("OCRCOURSE_MODE", "quick")              # never changes quick mode
    assert settings.max_steps() is None and settings.cap_steps(2000) == 2000 and settings.cap_steps(None) is None
    monkeypatch.delenv("OCRCOURSE_MAX_STEPS")
    monkeypatch.setenv("OCRCOURSE_MODE", "full")
    assert settings.max_steps() is None and settings.cap_steps(2000) == 2000


@pytest.mark.parametrize("value", ["0", "-3", "two"])
def test_step_cap_rejects_nonsense(monkeypatch, value):
    monkeypatch.setenv("OCRCOURSE_MODE", "full")
    monkeypatch.setenv("OCRCOURSE_MAX_STEPS", value)
    with pytest.raises(ConfigError, match="OCRCOURSE_MAX_STEPS"):
        settings.max_steps()


def test_batch_cap_applies_only_in_full_mode(monkeypatch):
    monkeypatch.setenv("OCRCOURSE_MAX_BATCH", "4")
    monkeypatch.setenv("OCRCOURSE_MODE", "full")
    assert settings.max_batch() == 4 and settings.cap_batch(8) == 4 and settings.cap_batch(2) == 2
    monkeypatch.setenv("OCRCOURSE_MODE", "quick")              # never changes quick mode
    assert settings.max_batch() is None and settings.cap_batch(8) == 8
    monkeypatch.setenv("OCRCOURSE_MODE", "full")
    monkeypatch.setenv("OCRCOURSE_MAX_BATCH", "0")
    with pytest.raises(ConfigError, match="OCRCOURSE_MAX_BATCH"):
        settings.max_batch()
