"""Checkpoints: weights (float32 state dict) + architecture + class names + input size + how they were made."""
from __future__ import annotations

from pathlib import Path

import torch

from .arch import ArchConfig
from .errors import TrainerError
from .model import Detector

FORMAT = "lookout-trainer/1"


def save_checkpoint(path: Path, model: Detector, names: list[str], imgsz: tuple[int, int], extra: dict) -> None:
    state = {k: v.detach().clone().float() if v.is_floating_point() else v.detach().clone()
             for k, v in model.state_dict().items()}
    tmp = path.with_suffix(path.suffix + ".tmp")
    # `fused`: BatchNorm is folded into the convolutions (a model fine-tuned from ONNX); the loader must fuse the
    # architecture before loading these weights.
    torch.save({"format": FORMAT, "arch": model.cfg.to_dict(), "names": list(names), "imgsz": list(imgsz),
                "fused": model.fused, "model": state, **extra}, tmp)
    tmp.replace(path)


def load_checkpoint(path: str | Path) -> tuple[Detector, dict]:
    p = Path(path)
    if not p.is_file():
        raise TrainerError("CHECKPOINT_MISSING", "checkpoint not found", str(path))
    try:
        ckpt = torch.load(p, map_location="cpu")
    except Exception as e:  # torch raises several types for a damaged or foreign file
        raise TrainerError("CHECKPOINT_INVALID", f"cannot read checkpoint: {e}", str(path)) from None
    if not isinstance(ckpt, dict) or ckpt.get("format") != FORMAT:
        raise TrainerError("CHECKPOINT_INVALID", f"not a {FORMAT} checkpoint", str(path))
    cfg = ArchConfig.from_dict(ckpt["arch"])
    names = ckpt.get("names")
    if not isinstance(names, list) or len(names) != cfg.nc:
        raise TrainerError("CHECKPOINT_INVALID", "checkpoint names do not match its class count", str(path))
    model = Detector(cfg)
    if ckpt.get("fused", False) is True:
        model.fuse()
    try:
        model.load_state_dict(ckpt["model"])
    except RuntimeError as e:
        raise TrainerError("CHECKPOINT_INVALID", f"weights do not fit the architecture: {e}", str(path)) from None
    return model, ckpt
