"""Fake quantisation that exports to ONNX QuantizeLinear/DequantizeLinear pairs, and activation calibration.

Activations: uint8, asymmetric, one scalar scale and zero point per tensor (onnxruntime fuses DQ->op->Q groups
into QLinearConv/QLinearAdd/QLinearConcat only for uint8 activations with shape-[] parameters). Weights: int8,
symmetric, per output channel (axis 0), range -127..127 so that -w is representable too.

torch 1.13's own quantisation flow (observers fused into FakeQuantize modules) does not export to ONNX, so the
pairs are emitted by `torch.autograd.Function.symbolic` here instead.
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

ACT_QMIN, ACT_QMAX = 0, 255
W_QMAX = 127
HIST_BINS = 2048


class _FakeQuantAct(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: torch.Tensor, scale: float, zero_point: int) -> torch.Tensor:  # type: ignore[override]
        return torch.fake_quantize_per_tensor_affine(x, scale, zero_point, ACT_QMIN, ACT_QMAX)

    @staticmethod
    def symbolic(g, x, scale: float, zero_point: int):  # type: ignore[no-untyped-def]
        s = g.op("Constant", value_t=torch.tensor(scale, dtype=torch.float32))
        z = g.op("Constant", value_t=torch.tensor(zero_point, dtype=torch.uint8))
        return g.op("DequantizeLinear", g.op("QuantizeLinear", x, s, z), s, z)


class _FakeQuantWeight(torch.autograd.Function):
    @staticmethod
    def forward(ctx, w: torch.Tensor, scales: np.ndarray) -> torch.Tensor:  # type: ignore[override]
        s = torch.from_numpy(scales).to(w.dtype)
        zp = torch.zeros(len(scales), dtype=torch.int32)
        return torch.fake_quantize_per_channel_affine(w, s, zp, 0, -W_QMAX, W_QMAX)

    @staticmethod
    def symbolic(g, w, scales: np.ndarray):  # type: ignore[no-untyped-def]
        # The QuantizeLinear of a float initialiser is folded into an int8 initialiser by qdq_graph.py.
        s = g.op("Constant", value_t=torch.from_numpy(scales.astype(np.float32)))
        z = g.op("Constant", value_t=torch.zeros(len(scales), dtype=torch.int8))
        return g.op("DequantizeLinear", g.op("QuantizeLinear", w, s, z, axis_i=0), s, z, axis_i=0)


def weight_scales(w: torch.Tensor) -> np.ndarray:
    amax = w.detach().abs().reshape(w.shape[0], -1).amax(dim=1).double().numpy()
    return np.maximum(amax / W_QMAX, 1e-12).astype(np.float32)


def fake_quant_weight(w: torch.Tensor) -> torch.Tensor:
    return _FakeQuantWeight.apply(w, weight_scales(w))


class QPoint(nn.Module):
    """A place where an activation is quantised. `nonneg` marks outputs of ReLU (range starts at 0, zero point 0,
    which lets onnxruntime drop the Relu in front of the QuantizeLinear). `method` picks the calibration rule:
    'mse' (clip the range where it lowers the expected squared error), 'percentile' (clip the outer 0.01%)
    or 'max' (keep the whole observed range,
    used for the head's raw outputs, where rare large values are the detections themselves)."""

    def __init__(self, nonneg: bool, method: str = "mse", fixed: tuple[float, int] | None = None) -> None:
        super().__init__()
        self.nonneg = nonneg
        self.method = method
        self.mode = "float"
        self.fixed = fixed
        self.scale: float | None = fixed[0] if fixed else None
        self.zero_point: int | None = fixed[1] if fixed else None
        self.lo = float("inf")
        self.hi = float("-inf")
        self.hist: np.ndarray | None = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.mode == "float":
            return x
        if self.mode == "minmax":
            self.lo = min(self.lo, float(x.min()))
            self.hi = max(self.hi, float(x.max()))
            return x
        if self.mode == "hist":
            lo, hi = self.hist_range()
            h = torch.histc(x.detach().float().clamp(lo, hi), bins=HIST_BINS, min=lo, max=hi).double().numpy()
            self.hist = h if self.hist is None else self.hist + h
            return x
        if self.scale is None or self.zero_point is None:
            raise RuntimeError("QPoint used in quant mode before calibration")
        return _FakeQuantAct.apply(x, self.scale, self.zero_point)

    def hist_range(self) -> tuple[float, float]:
        lo = 0.0 if self.nonneg else min(self.lo, 0.0)
        hi = max(self.hi, 0.0)
        if hi - lo < 1e-6:
            hi = lo + 1e-6
        return lo, hi

    def finish_calibration(self) -> None:
        if self.fixed:
            return
        lo, hi = self.hist_range()
        if self.method == "mse" and self.hist is not None:
            lo, hi = mse_range(self.hist, lo, hi, self.nonneg)
        elif self.method == "percentile" and self.hist is not None:
            lo, hi = percentile_range(self.hist, lo, hi, self.nonneg)
        self.scale, self.zero_point = qparams(lo, hi)


class SharedQPoint(nn.Module):
    """Re-quantises with the parameters of another QPoint: after MaxPool and nearest Resize, whose outputs lie on
    their input's grid, so onnxruntime can drop the Q/DQ pair and run them on uint8 (equal parameters required)."""

    def __init__(self, source: QPoint) -> None:
        super().__init__()
        self.__dict__["source"] = source  # not a submodule: its state belongs to the producing layer

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        src: QPoint = self.__dict__["source"]
        if src.mode != "quant":
            return x
        assert src.scale is not None and src.zero_point is not None
        return _FakeQuantAct.apply(x, src.scale, src.zero_point)


def qparams(lo: float, hi: float) -> tuple[float, int]:
    """Range (lo <= 0 <= hi) -> (scale, zero point) with zero exactly representable (convolution padding)."""
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    scale = max((hi - lo) / (ACT_QMAX - ACT_QMIN), 1e-8)
    zp = int(np.clip(round(ACT_QMIN - lo / scale), ACT_QMIN, ACT_QMAX))
    return float(np.float32(scale)), zp


def _expected_sq_error(centres: np.ndarray, counts: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Expected squared error per candidate range: step^2/12 inside the range (uniform rounding noise), squared
    clipping distance outside it. lo/hi broadcast against each other; centres/counts along the last axis."""
    step = (hi - lo) / (ACT_QMAX - ACT_QMIN)
    c = centres
    below = np.clip(lo[..., None] - c, 0, None)
    above = np.clip(c - hi[..., None], 0, None)
    inside = (below == 0) & (above == 0)
    err = (inside * (step[..., None] ** 2) / 12 + below**2 + above**2) * counts
    return err.sum(-1)


def mse_range(hist: np.ndarray, lo: float, hi: float, nonneg: bool) -> tuple[float, float]:
    edges = np.linspace(lo, hi, len(hist) + 1)
    centres = (edges[:-1] + edges[1:]) / 2
    if nonneg:
        cand_hi = np.linspace(hi / 64, hi, 256)
        err = _expected_sq_error(centres, hist, np.zeros_like(cand_hi), cand_hi)
        return 0.0, float(cand_hi[int(np.argmin(err))])
    cand_lo = np.linspace(lo, lo / 16, 48) if lo < 0 else np.zeros(1)
    cand_hi = np.linspace(hi / 16, hi, 48) if hi > 0 else np.zeros(1)
    L, H = np.meshgrid(cand_lo, cand_hi, indexing="ij")
    err = _expected_sq_error(centres, hist, L.ravel(), H.ravel())
    k = int(np.argmin(err))
    return float(L.ravel()[k]), float(H.ravel()[k])


def percentile_range(hist: np.ndarray, lo: float, hi: float, nonneg: bool, pct: float = 99.99) -> tuple[float, float]:
    """Clips the outer (100 - pct)% of the observed values (both tails unless `nonneg`)."""
    edges = np.linspace(lo, hi, len(hist) + 1)
    cdf = np.cumsum(hist) / max(hist.sum(), 1)
    tail = (100 - pct) / 100
    top = float(edges[min(len(hist), int(np.searchsorted(cdf, 1 - tail)) + 1)])
    bottom = 0.0 if nonneg else float(edges[int(np.searchsorted(cdf, tail))])
    return min(bottom, 0.0), max(top, 0.0)


def qpoints(model: nn.Module) -> list[QPoint]:
    return [m for m in model.modules() if isinstance(m, QPoint)]


def set_qmode(model: nn.Module, mode: str) -> None:
    """mode: 'float' | 'minmax' | 'hist' | 'quant' for every QPoint; 'quant' also fake-quantises weights."""
    for m in model.modules():
        if isinstance(m, QPoint):
            m.mode = mode if not (m.fixed and mode in ("minmax", "hist")) else "float"
        if hasattr(m, "quant_weights"):
            m.quant_weights = mode == "quant"
