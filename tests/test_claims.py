import pytest

from ocrcourse.claims import ClaimError, claim


def test_a_true_claim_prints_only_the_claim(capsys):
    claim("2 is less than 3", 2 < 3, measured=2)
    assert capsys.readouterr().out == "✓ 2 is less than 3\n"


def test_a_false_claim_names_the_claim_and_the_measurement(capsys):
    with pytest.raises(ClaimError, match=r"'hsv barely changes'.*measured: 7.5"):
        claim("hsv barely changes", 7.5 < 2, measured=7.5)
    assert capsys.readouterr().out == ""


def test_a_failing_claim_is_only_reported_under_the_full_mode_step_cap(monkeypatch, capsys):
    import pytest

    from ocrcourse.claims import ClaimError, claim

    monkeypatch.setenv("OCRCOURSE_MODE", "full")
    monkeypatch.setenv("OCRCOURSE_MAX_STEPS", "2")
    claim("the loss fell", False, measured=57.1)
    assert "not checked, training capped at 2 steps: the loss fell (measured: 57.1)" in capsys.readouterr().out
    monkeypatch.setenv("OCRCOURSE_MODE", "quick")                 # the cap never applies to quick mode
    with pytest.raises(ClaimError):
        claim("the loss fell", False)
