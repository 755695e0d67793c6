"""The detector: ReLU backbone of C2f stages + SPPF, FPN/PAN neck, decoupled heads at strides 8/16/32.

Box regression is a distance distribution per side (DFL, as YOLOv8); in `export` mode the forward pass decodes
it in the graph to (cx, cy, w, h) in input pixels and appends sigmoid class scores: Ultralytics' `output0`
layout [1, 4+nc, A]. Every activation passes a QPoint, so the same module exports float or QDQ int8.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from .arch import STRIDES, ArchConfig
from .quant import QPoint, SharedQPoint, fake_quant_weight


class ConvBNReLU(nn.Module):
    def __init__(self, c1: int, c2: int, k: int = 1, s: int = 1) -> None:
        super().__init__()
        self.conv = nn.Conv2d(c1, c2, k, s, k // 2, bias=False)
        # Ultralytics' BatchNorm settings (eps 1e-3, momentum 0.03) suit short, small-batch schedules.
        self.bn: nn.BatchNorm2d | None = nn.BatchNorm2d(c2, eps=1e-3, momentum=0.03)
        self.q = QPoint(nonneg=True)
        self.quant_weights = False

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        w = fake_quant_weight(self.conv.weight) if self.quant_weights else self.conv.weight
        y = F.conv2d(x, w, self.conv.bias, self.conv.stride, self.conv.padding)
        if self.bn is not None:
            y = self.bn(y)
        return self.q(F.relu(y))

    @torch.no_grad()
    def fuse(self) -> None:
        """Folds BatchNorm into the convolution (export)."""
        if self.bn is None:
            return
        bn = self.bn
        std = torch.sqrt(bn.running_var + bn.eps)
        g = bn.weight / std
        self.conv.weight.mul_(g.view(-1, 1, 1, 1))
        self.conv.bias = nn.Parameter(bn.bias - bn.running_mean * g)
        self.bn = None


class HeadConv(nn.Module):
    """The head's last 1x1 convolution: raw outputs (logits), no normalisation or activation."""

    def __init__(self, c1: int, c2: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(c1, c2, 1)
        self.q = QPoint(nonneg=False, method="max")
        self.quant_weights = False

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        w = fake_quant_weight(self.conv.weight) if self.quant_weights else self.conv.weight
        return self.q(F.conv2d(x, w, self.conv.bias))


class Bottleneck(nn.Module):
    def __init__(self, c: int, shortcut: bool) -> None:
        super().__init__()
        self.cv1 = ConvBNReLU(c, c, 3)
        self.cv2 = ConvBNReLU(c, c, 3)
        self.shortcut = shortcut
        self.q = QPoint(nonneg=True) if shortcut else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.cv2(self.cv1(x))
        return self.q(x + y) if self.q is not None else y


class C2f(nn.Module):
    """YOLOv8's C2f with its first 1x1 convolution written as two (same parameters, no Split in the graph)."""

    def __init__(self, c1: int, c2: int, n: int, shortcut: bool) -> None:
        super().__init__()
        c = max(8, c2 // 2)
        self.cv1a = ConvBNReLU(c1, c)
        self.cv1b = ConvBNReLU(c1, c)
        self.m = nn.ModuleList(Bottleneck(c, shortcut) for _ in range(n))
        self.qcat = QPoint(nonneg=True)
        self.cv2 = ConvBNReLU((2 + n) * c, c2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        ys = [self.cv1a(x), self.cv1b(x)]
        for m in self.m:
            ys.append(m(ys[-1]))
        return self.cv2(self.qcat(torch.cat(ys, 1)))


class SPPF(nn.Module):
    def __init__(self, c1: int, c2: int) -> None:
        super().__init__()
        c = c1 // 2
        self.cv1 = ConvBNReLU(c1, c)
        self.qpool = SharedQPoint(self.cv1.q)
        self.qcat = QPoint(nonneg=True)
        self.cv2 = ConvBNReLU(4 * c, c2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        ys = [self.cv1(x)]
        for _ in range(3):
            ys.append(self.qpool(F.max_pool2d(ys[-1], 5, 1, 2)))
        return self.cv2(self.qcat(torch.cat(ys, 1)))


class Upsample(nn.Module):
    def __init__(self, source: QPoint) -> None:
        super().__init__()
        self.q = SharedQPoint(source)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.q(F.interpolate(x, scale_factor=2.0, mode="nearest"))


class Detector(nn.Module):
    def __init__(self, cfg: ArchConfig) -> None:
        super().__init__()
        self.cfg = cfg
        w0, w1, w2, w3, w4 = cfg.widths
        d1, d2, d3, d4 = cfg.depths
        # Input: RGB 0..1 from 8-bit pixels, so 1/255 with zero point 0 is exact.
        self.qin = QPoint(nonneg=True, fixed=(1 / 255, 0))
        self.stem = ConvBNReLU(3, w0, 3, 2)
        self.down1, self.c2f1 = ConvBNReLU(w0, w1, 3, 2), C2f(w1, w1, d1, True)
        self.down2, self.c2f2 = ConvBNReLU(w1, w2, 3, 2), C2f(w2, w2, d2, True)
        self.down3, self.c2f3 = ConvBNReLU(w2, w3, 3, 2), C2f(w3, w3, d3, True)
        self.down4, self.c2f4 = ConvBNReLU(w3, w4, 3, 2), C2f(w4, w4, d4, True)
        self.sppf = SPPF(w4, w4)
        nd = cfg.neck_depth
        # Top-down (FPN).
        self.up5 = Upsample(self.sppf.cv2.q)
        self.qcat4 = QPoint(nonneg=True)
        self.td4 = C2f(w4 + w3, w3, nd, False)
        self.up4 = Upsample(self.td4.cv2.q)
        self.qcat3 = QPoint(nonneg=True)
        self.out3 = C2f(w3 + w2, w2, nd, False)
        # Bottom-up (PAN).
        self.bu3 = ConvBNReLU(w2, w2, 3, 2)
        self.qcat4b = QPoint(nonneg=True)
        self.out4 = C2f(w2 + w3, w3, nd, False)
        self.bu4 = ConvBNReLU(w3, w3, 3, 2)
        self.qcat5 = QPoint(nonneg=True)
        self.out5 = C2f(w3 + w4, w4, nd, False)
        self.head = Head(cfg, (w2, w3, w4))
        # Set by `export_mode()`: the input size whose anchors are baked into the graph.
        self.export_hw: tuple[int, int] | None = None

    def forward(self, x: torch.Tensor):  # type: ignore[no-untyped-def]
        x = self.qin(x)
        p3 = self.c2f2(self.down2(self.c2f1(self.down1(self.stem(x)))))
        p4 = self.c2f3(self.down3(p3))
        p5 = self.sppf(self.c2f4(self.down4(p4)))
        t4 = self.td4(self.qcat4(torch.cat([self.up5(p5), p4], 1)))
        o3 = self.out3(self.qcat3(torch.cat([self.up4(t4), p3], 1)))
        o4 = self.out4(self.qcat4b(torch.cat([self.bu3(o3), t4], 1)))
        o5 = self.out5(self.qcat5(torch.cat([self.bu4(o4), p5], 1)))
        outs = self.head([o3, o4, o5])
        if self.export_hw is None:
            return outs
        return self.head.decode(outs, self.export_hw)

    def fuse(self) -> "Detector":
        """Folds every BatchNorm into its convolution (export; ONNX fine-tuning). Idempotent."""
        for m in self.modules():
            if isinstance(m, ConvBNReLU):
                m.fuse()
        return self

    @property
    def fused(self) -> bool:
        return all(m.bn is None for m in self.modules() if isinstance(m, ConvBNReLU))

    def init_biases(self, hw: tuple[int, int]) -> None:
        self.head.init_biases(hw)


class Head(nn.Module):
    def __init__(self, cfg: ArchConfig, chs: tuple[int, int, int]) -> None:
        super().__init__()
        self.nc, self.reg_max = cfg.nc, cfg.reg_max
        cb, cc = cfg.head_box, cfg.head_cls
        self.box = nn.ModuleList(
            nn.Sequential(ConvBNReLU(c, cb, 3), ConvBNReLU(cb, cb, 3), HeadConv(cb, 4 * cfg.reg_max)) for c in chs)
        self.cls = nn.ModuleList(
            nn.Sequential(ConvBNReLU(c, cc, 3), ConvBNReLU(cc, cc, 3), HeadConv(cc, cfg.nc)) for c in chs)
        self.register_buffer("proj", torch.arange(cfg.reg_max, dtype=torch.float32), persistent=False)

    def forward(self, feats: list[torch.Tensor]) -> list[tuple[torch.Tensor, torch.Tensor]]:
        return [(self.box[i](f), self.cls[i](f)) for i, f in enumerate(feats)]

    def init_biases(self, hw: tuple[int, int]) -> None:
        # As YOLOv8: box logits start flat; class prior ~5 objects per image spread over the level's cells.
        for b, c, s in zip(self.box, self.cls, STRIDES):
            last_b: HeadConv = b[-1]  # type: ignore[assignment]
            last_c: HeadConv = c[-1]  # type: ignore[assignment]
            nn.init.constant_(last_b.conv.bias, 1.0)
            nn.init.constant_(last_c.conv.bias, math.log(5 / self.nc / (hw[0] * hw[1] / s**2)))

    def decode(self, outs: list[tuple[torch.Tensor, torch.Tensor]], hw: tuple[int, int]) -> torch.Tensor:
        """[1, 4+nc, A]: (cx, cy, w, h) in input pixels, then sigmoid scores. Sizes are Python ints (static graph)."""
        h, w = hw
        sizes = [(h // s, w // s) for s in STRIDES]
        a = sum(hh * ww for hh, ww in sizes)
        n = outs[0][0].shape[0]
        box = torch.cat([b.reshape(n, 4 * self.reg_max, hh * ww) for (b, _), (hh, ww) in zip(outs, sizes)], 2)
        cls = torch.cat([c.reshape(n, self.nc, hh * ww) for (_, c), (hh, ww) in zip(outs, sizes)], 2)
        prob = box.reshape(n, 4, self.reg_max, a).softmax(2)
        dist = (prob * self.proj.reshape(1, 1, -1, 1)).sum(2)  # [n, 4, A] in strides
        anchors, strides = anchor_grid(sizes, box.dtype)
        lt, rb = dist[:, :2], dist[:, 2:]
        centre = (anchors.T + (rb - lt) * 0.5) * strides.T
        size = (lt + rb) * strides.T
        return torch.cat([centre, size, cls.sigmoid()], 1)


def anchor_grid(sizes: list[tuple[int, int]], dtype: torch.dtype = torch.float32) -> tuple[torch.Tensor, torch.Tensor]:
    """Cell centres in grid units [A, 2] (x, y) and each anchor's stride [A, 1], level by level, row-major."""
    pts, strides = [], []
    for (h, w), s in zip(sizes, STRIDES):
        ys, xs = torch.meshgrid(torch.arange(h, dtype=dtype) + 0.5, torch.arange(w, dtype=dtype) + 0.5, indexing="ij")
        pts.append(torch.stack([xs, ys], -1).reshape(-1, 2))
        strides.append(torch.full((h * w, 1), float(s), dtype=dtype))
    return torch.cat(pts), torch.cat(strides)


def count_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


@torch.no_grad()
def count_flops(model: nn.Module, hw: tuple[int, int]) -> float:
    """GFLOPs (2 x multiply-accumulates of the convolutions) of one forward pass at `hw`."""
    total = 0

    def hook(mod: nn.Module, inp: tuple[torch.Tensor], out: torch.Tensor) -> None:
        nonlocal total
        conv: nn.Conv2d = mod.conv  # type: ignore[assignment]
        total += 2 * conv.weight[0].numel() * out[0].numel()

    # The layers call F.conv2d with their Conv2d's weights, so hook the layers rather than the Conv2d.
    hooks = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (ConvBNReLU, HeadConv))]
    was = model.training
    model.eval()
    try:
        model(torch.zeros(1, 3, *hw))
    finally:
        for h in hooks:
            h.remove()
        model.train(was)
    return total / 1e9
