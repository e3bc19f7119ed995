"""Load PaddleOCR-schema YAML configs and apply `-o key=value` overrides.

A config is a plain nested dict with PaddleOCR's sections (`Global`, `Architecture`, `Loss`,
`Optimizer`, `PostProcess`, `Metric`, `Train`, `Eval`). Overrides use PaddleOCR's syntax:
`Global.epoch_num=2`, `Train.loader.batch_size_per_card=4`, and list indices such as
`Train.dataset.transforms.3.EastRandomCropData.size=[640,640]`. Values are parsed as YAML, so
`2` is an int, `1e-3` a float, `[640,640]` a list and `true` a bool. Nothing here evaluates
config text as code, and inputs are never mutated.
"""
from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any, Iterable

import yaml

from .errors import ConfigError

__all__ = ["SECTIONS", "load_config", "apply_overrides", "parse_override", "dump_config"]

SECTIONS = ("Global", "Architecture", "Loss", "Optimizer", "PostProcess", "Metric", "Train", "Eval")


class _Loader(yaml.SafeLoader):
    """SafeLoader that also reads `1e-3` as a float (plain YAML 1.1 wants `1.0e-3`)."""


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    __import__("re").compile(r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
        |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
        |\.[0-9_]+(?:[eE][-+][0-9]+)?
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$""", __import__("re").X),
    list("-+0123456789."),
)


def _yaml_value(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError:
        return text  # e.g. an unquoted path with a colon: keep it as a string


def parse_override(item: str) -> tuple[list[str], Any]:
    """`"Global.epoch_num=2"` -> (["Global", "epoch_num"], 2)."""
    if "=" not in item:
        raise ConfigError(f"override {item!r} is not of the form key.path=value (e.g. Global.epoch_num=2)")
    key, value = item.split("=", 1)
    key = key.strip()
    if not key or any(not part for part in key.split(".")):
        raise ConfigError(f"override {item!r}: empty part in key path {key!r}")
    return key.split("."), _yaml_value(value.strip())


def _set_path(cfg: dict, path: list[str], value: Any, item: str) -> None:
    node: Any = cfg
    for depth, part in enumerate(path):
        last = depth == len(path) - 1
        where = ".".join(path[: depth + 1])
        if isinstance(node, list):
            if not part.lstrip("-").isdigit():
                raise ConfigError(f"override {item!r}: {where} indexes a list; use a number (0..{len(node) - 1})")
            idx = int(part)
            if not -len(node) <= idx < len(node):
                raise ConfigError(f"override {item!r}: index {idx} out of range, the list has {len(node)} items")
            if last:
                node[idx] = value
            else:
                node = node[idx]
        elif isinstance(node, dict):
            if last:
                node[part] = value
            else:
                if node.get(part) is None:
                    node[part] = {}          # nested new keys are allowed, as in PaddleOCR
                node = node[part]
        else:
            raise ConfigError(f"override {item!r}: {'.'.join(path[:depth])} is a value ({node!r}), not a section")


def apply_overrides(cfg: dict, overrides: Iterable[str] | None) -> dict:
    """Return a deep copy of `cfg` with every `key.path=value` override applied in order."""
    out = copy.deepcopy(cfg)
    for item in overrides or ():
        path, value = parse_override(item)
        if path[0] not in SECTIONS:
            raise ConfigError(f"override {item!r}: unknown section {path[0]!r}; valid sections: {list(SECTIONS)}")
        _set_path(out, path, value, item)
    return out


def load_config(path: str | os.PathLike, overrides: Iterable[str] | None = None) -> dict:
    """Read a PaddleOCR-schema YAML file (anchors and aliases allowed) and apply overrides.

    Args:
        path: the YAML file.
        overrides: strings like `"Global.epoch_num=2"` (what `-o` takes on the command line).

    Returns:
        A fresh nested dict; unknown top-level sections raise `ConfigError` listing the valid ones.
    """
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"config file not found: {path}")
    with open(path, encoding="utf-8") as f:
        try:
            cfg = yaml.load(f, Loader=_Loader)
        except yaml.YAMLError as e:
            raise ConfigError(f"{path}: not valid YAML: {e}") from e
    if not isinstance(cfg, dict):
        raise ConfigError(f"{path}: a config must be a mapping of sections, got {type(cfg).__name__}")
    unknown = set(cfg) - set(SECTIONS)
    if unknown:
        raise ConfigError(f"{path}: unknown top-level sections {sorted(unknown)}; valid sections: {list(SECTIONS)}")
    return apply_overrides(cfg, overrides)


def dump_config(cfg: dict, path: str | os.PathLike) -> None:
    """Write `cfg` as YAML (used to record the exact config of a training run)."""
    with open(path, "w", encoding="utf-8") as f:
        yaml.safe_dump(cfg, f, sort_keys=False, allow_unicode=True)
