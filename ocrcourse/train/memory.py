"""How much memory a training run needs, estimated from one small forward pass.

Full mode is sized for one 16 GB GPU and a 32 GB host (README, "Quick and full mode"). A run's
memory is mostly what backward needs: every layer output that requires a gradient is kept from
the forward pass until backward has used it, so it grows with batch × crop area. This module
counts those outputs in one training-mode forward pass at a small probe size and scales them to
the batch and crop of the run. On the PP-OCRv3 DML pair at 320×320 it gives 0.46 GB per image;
Paddle's host allocator statistics measured 0.38 GB per extra image and the process's resident
memory 0.6 GB (allocator overhead): an estimate to tell 10 GB from 40 GB, not a byte count.

One more term matters on a CPU only: Paddle's CPU convolution unfolds its input (im2col) into a
buffer of (in_channels / groups) × k_h × k_w × out_h × out_w values per image, allocated during
each call. LK-PAN's 9×9 convolutions over 256 channels at a quarter of 960×960 need
256 × 81 × 240 × 240 × 4 bytes = 4.78 GB for one call (the allocation lesson 15's full mode died
on). On a GPU cuDNN bounds its workspace instead.

    from ocrcourse.train.memory import training_memory
    training_memory(cfg["Architecture"], batch=8, crop=960)     # GB: parameters, activations, ...

Found with lesson 15 (issue #17): two ResNet50_vd + LK-PAN detectors in DML at batch 8 on 960×960
crops keep about 33 GB of layer outputs for backward — more than a 16 GB GPU or a 32 GB host —
so full mode trains that pair at batch 2 (tests/train/test_memory.py checks the lessons' sizes).
"""
from __future__ import annotations

from typing import Mapping

__all__ = ["GPU_MEMORY_GB", "HOST_MEMORY_GB", "forward_footprint", "training_memory"]

GPU_MEMORY_GB = 16      # what full mode is sized for: one 16 GB GPU ...
HOST_MEMORY_GB = 32     # ... in a host with 32 GB


def _tensors(out):
    import paddle

    if isinstance(out, paddle.Tensor):
        yield out
    elif isinstance(out, Mapping):
        for v in out.values():
            yield from _tensors(v)
    elif isinstance(out, (list, tuple)):
        for v in out:
            yield from _tensors(v)


def forward_footprint(model, input_shape) -> dict:
    """One training-mode forward pass of `model` on a random batch of `input_shape` (N, C, H, W).

    Returns bytes: `activations`, the outputs of every leaf layer that require a gradient (what
    backward keeps alive; outputs of a frozen teacher do not count), and `cpu_conv_workspace`, the
    largest im2col buffer one Conv2D call allocates on a CPU (per image: the kernel unfolds one image
    at a time and reuses the buffer across the batch).
    """
    import paddle

    totals = {"activations": 0, "cpu_conv_workspace": 0}

    def hook(layer, inputs, out):
        for t in _tensors(out):
            if not t.stop_gradient:
                totals["activations"] += int(t.numel()) * t.element_size()
        if isinstance(layer, paddle.nn.Conv2D) and isinstance(out, paddle.Tensor):
            kh, kw = layer._kernel_size
            per_image = (layer._in_channels // layer._groups) * kh * kw * out.shape[2] * out.shape[3]
            totals["cpu_conv_workspace"] = max(totals["cpu_conv_workspace"], per_image * out.element_size())

    handles = [layer.register_forward_post_hook(hook) for layer in model.sublayers() if not layer.sublayers()]
    was_training = model.training
    model.train()
    try:
        model(paddle.randn(list(input_shape)))
    finally:
        for h in handles:
            h.remove()
        if not was_training:
            model.eval()
    return totals


def training_memory(arch: Mapping, batch: int, crop: int, probe: int = 128) -> dict:
    """Estimated memory (GB) of training the model of `arch` at `batch` on `crop` × `crop` inputs.

    Measures `forward_footprint` at one probe image of `probe` × `probe` and scales it by
    batch × (crop / probe)² (every term is per pixel for a fully convolutional detector). Keys:
    `weights` (trainable parameters × 4: value, gradient, Adam's two moments; frozen ones × 1),
    `activations`, `gpu` (weights + activations: what the GPU holds) and `cpu` (plus the largest
    im2col buffer: what the host holds when the same run trains on a CPU).
    """
    from ..models import build_model

    model = build_model(arch)
    scale = (crop / probe) ** 2
    foot = forward_footprint(model, (1, 3, probe, probe))
    weights = sum(int(p.numel()) * p.element_size() * (1 if p.stop_gradient else 4) for p in model.parameters())
    gb = 2 ** 30
    result = {"weights": weights / gb, "activations": foot["activations"] * scale * batch / gb}
    result["gpu"] = result["weights"] + result["activations"]
    result["cpu"] = result["gpu"] + foot["cpu_conv_workspace"] * scale / gb
    return result
