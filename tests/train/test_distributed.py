"""Data-parallel training on 2 CPU processes (gloo) through `paddle.distributed.launch`: the ranks end
with identical parameters, equal to one process on the same global batches; only rank 0 writes
checkpoints; tools/train.py runs under the launcher with a real config."""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np

from smoke import REPO, data_overrides, tiny_data

WORKER = REPO / "tests" / "train" / "dist_worker.py"


def _launch(script, *args, log_dir, cwd=REPO):
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, "-m", "paddle.distributed.launch", "--nproc_per_node", "2", "--log_dir", str(log_dir),
           str(script), *map(str, args)]
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    logs = "".join(p.read_text(errors="replace")[-3000:] for p in sorted(log_dir.glob("workerlog.*")))
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:] + logs
    return proc


def test_two_processes_match_one_process_on_the_global_batch(tmp_path):
    _launch(WORKER, tmp_path, log_dir=tmp_path / "log")
    env = dict(os.environ)
    for key in [k for k in env if k.startswith("PADDLE_")]:
        env.pop(key)
    subprocess.run([sys.executable, str(WORKER), str(tmp_path)], check=True, env=env, cwd=REPO, timeout=300,
                   capture_output=True)
    rank0 = np.load(tmp_path / "params_world2_rank0.npz")
    rank1 = np.load(tmp_path / "params_world2_rank1.npz")
    single = np.load(tmp_path / "params_world1_rank0.npz")
    for k in rank0.files:
        np.testing.assert_array_equal(rank0[k], rank1[k])                       # ranks in sync
        np.testing.assert_allclose(rank0[k], single[k], rtol=1e-5, atol=1e-6)   # = global batch of 4


def test_tools_train_under_the_launcher(tmp_path):
    data = tiny_data(tmp_path / "train_data")
    out = tmp_path / "out"
    _launch(REPO / "tools" / "train.py", "-c", REPO / "configs/cls/cls_mv3_quick.yml", "-o",
            *data_overrides(data, "cls"), "Train.loader.batch_size_per_card=4", "Global.epoch_num=1",
            "Global.max_steps=2", "Global.eval_batch_step=[0,1000]", f"Global.save_model_dir={out}",
            log_dir=tmp_path / "log")
    names = set(os.listdir(out))
    assert {"latest.pdparams", "latest.pdopt", "latest.states", "train.log"} <= names
    assert not [n for n in names if ".tmp" in n]
