"""mAP of a model over a cached split. Boxes are compared in model-input (letterboxed) pixels: IoU does not
change under the letterbox's uniform scale and shift, so the numbers equal those in source-image pixels."""
from __future__ import annotations

import sys
import time
from typing import Callable

import numpy as np
import torch

from .augment import to_tensor
from .dataset import CachedSplit
from .metrics import Accumulator
from .model import Detector
from .nms import postprocess


def clip_to_content(pred: np.ndarray, w: int, h: int) -> np.ndarray:
    pred[:, [0, 2]] = pred[:, [0, 2]].clip(0, w)
    pred[:, [1, 3]] = pred[:, [1, 3]].clip(0, h)
    return pred


def evaluate_outputs(outputs: Callable[[int, int], np.ndarray], data: CachedSplit, batch: int,
                     conf: float = 0.001, iou: float = 0.7, progress: bool = False) -> dict:
    """`outputs(start, end)` gives `output0` for images start..end-1 as [n, 4+nc, A]."""
    acc = Accumulator(nc=len(data.names))
    n = len(data)
    h, w = data.images.shape[1:3]
    t0 = time.monotonic()
    for start in range(0, n, batch):
        end = min(n, start + batch)
        out = outputs(start, end)
        for k in range(end - start):
            pred = clip_to_content(postprocess(out[k], conf=conf, iou=iou), w, h)
            acc.add(pred, data.labels[start + k])
        if progress:
            print(f"eval: {end}/{n} images ({time.monotonic() - t0:.1f}s)", file=sys.stderr, flush=True)
    res = acc.result(data.names)
    res["images"] = n
    return res


def torch_outputs(model: Detector, data: CachedSplit) -> Callable[[int, int], np.ndarray]:
    hw = (data.images.shape[1], data.images.shape[2])

    @torch.no_grad()
    def run(start: int, end: int) -> np.ndarray:
        was, prev = model.training, model.export_hw
        model.eval()
        model.export_hw = hw
        try:
            return model(to_tensor(data.images[start:end])).numpy()
        finally:
            model.export_hw = prev
            model.train(was)

    return run


def evaluate_model(model: Detector, data: CachedSplit, batch: int = 32, progress: bool = False) -> dict:
    return evaluate_outputs(torch_outputs(model, data), data, batch, progress=progress)
