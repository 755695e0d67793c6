"""Batch augmentation on the cached letterboxed images, in torch: random scale and translation (one affine
warp, grey 114 where the warp leaves the image, so it stays a letterbox-like frame), horizontal flip, and a
light colour jitter (value gain, saturation blend with grey, hue rotation about the grey axis).
Ultralytics' default gains: scale 0.5, translate 0.1, flip 0.5, HSV (0.015, 0.7, 0.4); the colour gains here are
lighter because the deployed cameras' colour pipeline is stable.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from .letterbox import PAD_VALUE


@dataclass(frozen=True)
class AugmentConfig:
    scale: float = 0.5
    translate: float = 0.1
    flip: float = 0.5
    hue: float = 0.015
    saturation: float = 0.5
    value: float = 0.3


def to_tensor(images: np.ndarray) -> torch.Tensor:
    """uint8 [B, H, W, 3] -> float [B, 3, H, W] in 0..1."""
    return torch.from_numpy(images).permute(0, 3, 1, 2).float().div_(255)


def augment_batch(images: np.ndarray, labels: list[np.ndarray], cfg: AugmentConfig, rng: np.random.Generator
                  ) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """Returns the augmented batch and per-image targets [n, 5] (class, x1, y1, x2, y2) in pixels."""
    x = to_tensor(images)
    b, _, h, w = x.shape
    s = rng.uniform(1 - cfg.scale, 1 + cfg.scale, b)
    tx = rng.uniform(-cfg.translate, cfg.translate, b) * 2  # normalised units span 2
    ty = rng.uniform(-cfg.translate, cfg.translate, b) * 2
    f = np.where(rng.random(b) < cfg.flip, -1.0, 1.0)
    # affine_grid maps output coordinates to input ones (normalised, align_corners=False):
    # x_in = f * (x_out - tx) / s, y_in = (y_out - ty) / s.
    theta = torch.zeros(b, 2, 3)
    theta[:, 0, 0] = torch.from_numpy(f / s).float()
    theta[:, 0, 2] = torch.from_numpy(-f * tx / s).float()
    theta[:, 1, 1] = torch.from_numpy(1 / s).float()
    theta[:, 1, 2] = torch.from_numpy(-ty / s).float()
    grid = F.affine_grid(theta, [b, 3, h, w], align_corners=False)
    pad = PAD_VALUE / 255
    x = F.grid_sample(x - pad, grid, mode="bilinear", padding_mode="zeros", align_corners=False) + pad
    x = _colour_jitter(x, cfg, rng)
    targets = []
    for i, lb in enumerate(labels):
        if len(lb) == 0:
            targets.append(torch.zeros(0, 5))
            continue
        bx = lb[:, 1:5].astype(np.float64)
        # pixel -> normalised -> warped -> pixel
        nx = bx[:, [0, 2]] / w * 2 - 1
        ny = bx[:, [1, 3]] / h * 2 - 1
        ox = f[i] * s[i] * nx + tx[i]
        oy = s[i] * ny + ty[i]
        ox = (ox + 1) / 2 * w
        oy = (oy + 1) / 2 * h
        x1, x2 = np.minimum(ox[:, 0], ox[:, 1]), np.maximum(ox[:, 0], ox[:, 1])
        y1, y2 = oy[:, 0], oy[:, 1]
        before_w, before_h = x2 - x1, y2 - y1
        cx1, cx2 = np.clip(x1, 0, w), np.clip(x2, 0, w)
        cy1, cy2 = np.clip(y1, 0, h), np.clip(y2, 0, h)
        cw, ch = cx2 - cx1, cy2 - cy1
        # Ultralytics' box_candidates: keep boxes > 2 px a side with > 10% of their area still in view.
        keep = (cw > 2) & (ch > 2) & (cw * ch / (before_w * before_h + 1e-9) > 0.1)
        t = np.stack([lb[:, 0], cx1, cy1, cx2, cy2], 1)[keep]
        targets.append(torch.from_numpy(t.astype(np.float32)))
    return x.clamp_(0, 1), targets


def _colour_jitter(x: torch.Tensor, cfg: AugmentConfig, rng: np.random.Generator) -> torch.Tensor:
    b = x.shape[0]
    v = torch.from_numpy(rng.uniform(1 - cfg.value, 1 + cfg.value, b)).float().view(b, 1, 1, 1)
    sat = torch.from_numpy(rng.uniform(1 - cfg.saturation, 1 + cfg.saturation, b)).float().view(b, 1, 1, 1)
    grey = (x * torch.tensor([0.299, 0.587, 0.114]).view(1, 3, 1, 1)).sum(1, keepdim=True)
    x = grey + (x - grey) * sat
    # Hue: rotate about the (1,1,1) axis by up to hue * 360 degrees (Rodrigues' formula).
    angles = rng.uniform(-cfg.hue, cfg.hue, b) * 2 * math.pi
    mats = torch.from_numpy(np.stack([_hue_matrix(a) for a in angles])).float()  # [B, 3, 3]
    x = torch.einsum("bij,bjhw->bihw", mats, x)
    return x * v


def _hue_matrix(angle: float) -> np.ndarray:
    c, s = math.cos(angle), math.sin(angle)
    k = 1 / math.sqrt(3)
    kx = np.array([[0, -k, k], [k, 0, -k], [-k, k, 0]])
    return np.eye(3) * c + s * kx + (1 - c) * np.full((3, 3), 1 / 3)
