"""IaaAugment: random flip, rotation and scaling of a det image with its polygons.

PaddleOCR 2.6 ran imgaug here; 2.10 re-implemented the same augmenters on albumentations. The
YAML format is PaddleOCR's, `augmenter_args: [{type: Fliplr, args: {p: 0.5}},
{type: Affine, args: {rotate: [-10, 10]}}, {type: Resize, args: {size: [0.5, 3]}}]`:

- the three augmenters PP-OCR uses (and Flipud) are implemented here as 2x3 affine matrices:
  consecutive flips and rotations are fused into one `cv2.warpAffine`, a down-scaling Resize
  joins that warp (fewer pixels to write), an up-scaling one runs afterwards as `cv2.resize`;
  polygons go through exactly the same matrices, so they stay on the pixels; when the next op
  is EastRandomCropData (as in every PP-OCR det config), `create_operators` sets
  `hand_warp_to_crop` and the crop applies this warp together with its own crop-and-scale, as one
  warp straight into its 960 x 960 canvas: same geometry and random draws, one interpolation
  instead of three, and no up-scaled intermediate image (up to 3x3 times the input's pixels);
- any other `type` is looked up in albumentations (PaddleOCR's mapping: Fliplr -> HorizontalFlip,
  Flipud -> VerticalFlip; otherwise the albumentations class of that name) and applied to the
  image and the polygon points as keypoints.
Random draws use `np.random`, so `seed_everything` makes them repeatable.
"""
from __future__ import annotations

import cv2
import numpy as np

from ocrcourse.errors import ConfigError

__all__ = ["Fliplr", "Flipud", "Rotate", "ScaleResize", "warp_image", "transform_points", "apply_pending_warp",
           "IaaAugment"]

_ALBU_NAMES = {"Fliplr": "HorizontalFlip", "Flipud": "VerticalFlip"}
DEFAULT_AUGMENTERS = [{"type": "Fliplr", "args": {"p": 0.5}},
                      {"type": "Affine", "args": {"rotate": [-10, 10]}},
                      {"type": "Resize", "args": {"size": [0.5, 3]}}]


class Fliplr:
    """Mirror left-right with probability p: x -> W - x (pixel-corner coordinates)."""

    def __init__(self, p: float = 1.0):
        self.p = p

    def sample(self, w: int, h: int):
        """The forward 3x3 matrix for this draw (None: no-op) and the output size."""
        if np.random.uniform() >= self.p:
            return None, (w, h)
        return np.array([[-1.0, 0, w], [0, 1, 0], [0, 0, 1]]), (w, h)


class Flipud(Fliplr):
    """Mirror top-bottom with probability p: y -> H - y."""

    def sample(self, w: int, h: int):
        if np.random.uniform() >= self.p:
            return None, (w, h)
        return np.array([[1.0, 0, 0], [0, -1, h], [0, 0, 1]]), (w, h)


class Rotate:
    """imgaug's `Affine(rotate=[a, b])`: rotate by U(a, b) degrees about the image centre, same size."""

    def __init__(self, rotate=0):
        lo, hi = (rotate, rotate) if np.isscalar(rotate) else rotate
        self.range = (float(lo), float(hi))

    def sample(self, w: int, h: int):
        angle = np.random.uniform(*self.range)
        m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)   # about the centre, corner coords
        return np.vstack([m, [0, 0, 1]]), (w, h)


class ScaleResize:
    """imgaug's `Resize(size=[a, b])`: one factor s ~ U(a, b) for both sides -> (int(W s), int(H s))."""

    def __init__(self, size=(1.0, 1.0)):
        if np.isscalar(size):
            size = (size, size)
        if len(size) != 2:
            raise ConfigError(f"IaaAugment Resize: size must be [min_scale, max_scale], got {size!r}")
        self.range = (float(size[0]), float(size[1]))

    def sample(self, w: int, h: int):
        s = np.random.uniform(*self.range)
        nw, nh = int(w * s), int(h * s)
        # scale by the realised size ratio so polygons match the resized pixels exactly
        return np.diag([nw / w, nh / h, 1.0]), (nw, nh)


def _to_center(m: np.ndarray) -> np.ndarray:
    """Corner-coordinate matrix -> the pixel-centre form cv2.warpAffine expects (2x3)."""
    shift = np.array([[1.0, 0, 0.5], [0, 1, 0.5], [0, 0, 1]])
    return (np.linalg.inv(shift) @ m @ shift)[:2]


def warp_image(img: np.ndarray, matrix: np.ndarray | None, size: tuple) -> np.ndarray:
    """Apply a 3x3 forward affine `matrix` (pixel-corner coordinates) to `img`; output `size` (w, h).

    A pure scale goes through cv2.resize (cheaper); anything else through one cv2.warpAffine,
    bilinear, zero border (imgaug's defaults).
    """
    if matrix is None:
        return img
    if matrix[0, 1] == 0 and matrix[1, 0] == 0 and matrix[0, 2] == 0 and matrix[1, 2] == 0 \
            and np.isclose(matrix[0, 0], size[0] / img.shape[1]) and np.isclose(matrix[1, 1], size[1] / img.shape[0]):
        return cv2.resize(img, tuple(size))
    return cv2.warpAffine(img, _to_center(matrix), tuple(size), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=0)


def transform_points(polys: np.ndarray, matrix: np.ndarray | None) -> np.ndarray:
    """Apply the same 3x3 affine `matrix` to polygon points (N, P, 2) -> float32."""
    if matrix is None:
        return polys
    pts = polys.reshape(-1, 2).astype(np.float64) @ matrix[:2, :2].T + matrix[:2, 2]
    return pts.reshape(polys.shape).astype(np.float32)


def apply_pending_warp(data):
    """Finish a warp IaaAugment handed to a crop that did not run (a pipeline cut short)."""
    if isinstance(data, dict) and "pending_warp" in data:
        matrix, size = data.pop("pending_warp")
        data["image"] = warp_image(data["image"], matrix, size)
    return data


def _albumentations_step(kind: str, args: dict):
    import albumentations as A        # imported only when a config asks for it

    name = _ALBU_NAMES.get(kind, kind)
    if not hasattr(A, name):
        raise ConfigError(f"IaaAugment: unknown augmenter type {kind!r}; use Fliplr, Flipud, Affine, "
                          "Resize or an albumentations transform name")
    args = {k: tuple(v) if isinstance(v, list) else v for k, v in args.items()}
    args.setdefault("p", 1.0)
    return A.Compose([getattr(A, name)(**args)],
                     keypoint_params=A.KeypointParams(format="xy", remove_invisible=False))


def build_step(spec: dict):
    """One `{type, args}` entry -> a fast affine step (Fliplr/Flipud/Affine rotate/Resize) or albumentations."""
    if not isinstance(spec, dict) or "type" not in spec:
        raise ConfigError(f"IaaAugment: each augmenter is {{type: Name, args: {{...}}}}, got {spec!r}")
    kind, args = spec["type"], dict(spec.get("args") or {})
    if kind in ("Fliplr", "Flipud") and set(args) <= {"p"}:
        return (Fliplr if kind == "Fliplr" else Flipud)(p=args.get("p", 1.0))
    if kind == "Affine" and set(args) <= {"rotate", "p"}:   # PaddleOCR forces p = 1 for Affine
        return Rotate(rotate=args.get("rotate", 0))
    if kind == "Resize":
        return ScaleResize(size=args.get("size", (1.0, 1.0)))
    if kind == "Affine":
        args["p"] = 1.0
    return _albumentations_step(kind, args)


class IaaAugment:
    """Random geometric augmentation of a det sample: flip, small rotation, scale, polygons included.

    PP-OCR strategy: data augmentation (数据增强) of the DB training pipeline: Fliplr(p=0.5),
    Affine(rotate=U(-10, 10)), Resize(U(0.5, 3) for both sides), in that order.
    Paper: PP-OCR, arXiv:2009.09941 (detection training setup).

    Args:
        augmenter_args: PaddleOCR's list of `{type, args}`; None means the three defaults above.

    Reads/writes `image` (H, W, C) -> (H', W', C) and `polys` (N, P, 2) float32. With
    `hand_warp_to_crop`, `image` is left as is and `pending_warp` = (3x3 matrix, (W', H')) is
    added for EastRandomCropData.
    """

    def __init__(self, augmenter_args: list | None = None):
        specs = DEFAULT_AUGMENTERS if augmenter_args is None else augmenter_args
        self.steps = [build_step(spec) for spec in specs]

    hand_warp_to_crop = False   # set by create_operators when EastRandomCropData comes next

    def __call__(self, data: dict) -> dict:
        img = data["image"]
        polys = np.asarray(data["polys"], dtype=np.float32)
        pending, size = None, (img.shape[1], img.shape[0])       # fused matrix so far, its output size
        for step in self.steps:
            if not hasattr(step, "sample"):                      # albumentations: flush, then apply
                img, polys = warp_image(img, pending, size), transform_points(polys, pending)
                pending = None
                img, polys = self._albumentations(step, img, polys)
                size = (img.shape[1], img.shape[0])
                continue
            matrix, new_size = step.sample(*size)
            if matrix is None:
                continue
            grows = new_size[0] * new_size[1] > size[0] * size[1]
            if grows and pending is not None and not self.hand_warp_to_crop:
                img, polys = warp_image(img, pending, size), transform_points(polys, pending)
                pending = None                                   # warp at the smaller size first
            pending = matrix if pending is None else matrix @ pending
            size = new_size
        data["polys"] = transform_points(polys, pending)
        if self.hand_warp_to_crop:
            # the crop applies this warp together with its own: one interpolation, fewer pixels
            data["image"], data["pending_warp"] = img, (np.eye(3) if pending is None else pending, size)
        else:
            data["image"] = warp_image(img, pending, size)
        return data

    @staticmethod
    def _albumentations(step, img, polys):
        out = step(image=img, keypoints=polys.reshape(-1, 2))
        pts = np.asarray(out["keypoints"], dtype=np.float32)[:, :2]
        return out["image"], pts.reshape(polys.shape)
