"""A small untrained detector exported by the trainer's own `export_model` (float + int8 QDQ), for ONNX-init tests."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from scripts.trainer.arch import arch_from_name
from scripts.trainer.augment import to_tensor
from scripts.trainer.export import export_model
from scripts.trainer.model import Detector


def export_tiny(out: Path, names: list[str], hw: tuple[int, int], width: float = 0.25, seed: int = 0) -> Detector:
    """Writes out/model.onnx and out/model.int8.onnx; returns the model they were exported from (not fused)."""
    torch.manual_seed(seed)
    model = Detector(arch_from_name("lookout", len(names), width))
    model.init_biases(hw)
    frames = np.random.default_rng(seed).integers(0, 256, (8, hw[0], hw[1], 3), dtype=np.uint8)
    # BatchNorm statistics from a few frames (as `random` does), so activations stay in a trained-like range.
    model.train()
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.momentum = None
        model(to_tensor(frames))
    model.eval()
    recipe = {"arch": model.cfg.to_dict(), "args": {"width": width}, "weights": f"random (seed {seed})"}
    export_model(model, names, hw, out, frames, "mse", "1", "tiny test set", recipe, "tiny test model")
    return model
