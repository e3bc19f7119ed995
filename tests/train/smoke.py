"""Shared helpers of the smoke tests: tiny synthetic data and course-sized config overrides."""
from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def tiny_data(root: Path) -> Path:
    """Build train_data-style synth_tiny/{det,rec,cls} + dict.txt under `root` (a few seconds)."""
    from ocrcourse.data.synth import prepare_course_data

    prepare_course_data(str(root), tiny_only=True, seed=0)
    return Path(root) / "synth_tiny"


def data_overrides(data: Path, task: str, sections=("Train", "Eval")) -> list[str]:
    """Point a config's Train / Eval at `data/<task>/{train,eval}.txt`."""
    out = []
    for section, split in (("Train", "train"), ("Eval", "eval")):
        if section in sections:
            out += [f"{section}.dataset.data_dir={data / task}/",
                    f"{section}.dataset.label_file_list=[{data / task / (split + '.txt')}]"]
    return out


def config(rel: str, *overrides: str) -> dict:
    from ocrcourse.config import load_config

    return load_config(REPO / rel, list(overrides))
