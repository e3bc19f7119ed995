"""ocrcourse.atomic: a failed write leaves the old file whole and no temporary file behind."""
import hashlib

import pytest

from ocrcourse.atomic import atomic_write, sha256_of, stage


def test_a_write_that_fails_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "ckpt" / "latest.pdparams"
    atomic_write(target, lambda tmp: open(tmp, "wb").write(b"old"))

    def torn(tmp):
        open(tmp, "wb").write(b"ne")
        raise KeyboardInterrupt        # interrupted half way

    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, torn)
    assert target.read_bytes() == b"old"
    assert [p.name for p in target.parent.iterdir()] == ["latest.pdparams"]


def test_stage_writes_beside_the_target_and_publishes_nothing(tmp_path):
    target = tmp_path / "a.bin"
    tmp = stage(target, lambda t: open(t, "wb").write(b"x" * 10))
    assert not target.exists() and str(tmp).startswith(str(tmp_path))
    assert open(tmp, "rb").read() == b"x" * 10


def test_sha256_of_matches_hashlib(tmp_path):
    p = tmp_path / "f"
    p.write_bytes(b"abc" * 1_000_000)
    assert sha256_of(p) == hashlib.sha256(b"abc" * 1_000_000).hexdigest()
