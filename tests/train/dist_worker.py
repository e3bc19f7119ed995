"""Run by test_distributed.py under `python -m paddle.distributed.launch --nproc_per_node 2`
(and once as a single process): the training loop on a tiny regression model without BatchNorm,
each rank reading its share of every global batch; every rank saves its final parameters."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import paddle
import paddle.distributed as dist

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from ocrcourse.train.loop import fit  # noqa: E402

GLOBAL_BATCH = 4


class Data(paddle.io.Dataset):
    def __init__(self, n=16):
        rng = np.random.RandomState(0)
        self.x = rng.randn(n, 4).astype("float32")
        self.y = (self.x @ rng.randn(4, 1)).astype("float32")

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return self.x[i], self.y[i]


def mse(preds, batch):
    err = ((preds - batch[1]) ** 2).mean()
    return {"loss": err}


def main(out_dir: str) -> None:
    world = dist.get_world_size()
    if world > 1:
        dist.init_parallel_env()
    paddle.seed(0)
    model = paddle.nn.Sequential(paddle.nn.Linear(4, 8), paddle.nn.Tanh(), paddle.nn.Linear(8, 1))
    data = Data()
    sampler = paddle.io.DistributedBatchSampler(data, batch_size=GLOBAL_BATCH // world, shuffle=True,
                                                num_replicas=world, rank=dist.get_rank())
    loader = paddle.io.DataLoader(data, batch_sampler=sampler, num_workers=0)
    opt = paddle.optimizer.Adam(learning_rate=0.01, parameters=model.parameters())
    if world > 1:
        model = paddle.DataParallel(model)
    fit(model, loader, mse, opt, None, epochs=3, save_model_dir=out_dir, progress=False, seed=0)
    inner = getattr(model, "_layers", model)
    np.savez(Path(out_dir) / f"params_world{world}_rank{dist.get_rank()}.npz",
             **{k: v.numpy() for k, v in inner.state_dict().items()})


if __name__ == "__main__":
    main(sys.argv[1])
