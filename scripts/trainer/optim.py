"""Optimiser, learning-rate schedule (with time-limit re-planning) and weight EMA for `train`."""
from __future__ import annotations

import copy
import math

import torch
from torch import nn


def make_optimizer(model: nn.Module, lr: float, weight_decay: float) -> torch.optim.Optimizer:
    decay, no_decay = [], []
    for p in model.parameters():
        (decay if p.ndim > 1 else no_decay).append(p)  # conv weights decay; BatchNorm and biases do not
    return torch.optim.AdamW([{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}],
                             lr=lr, betas=(0.9, 0.999))


class Schedule:
    """Linear warm-up, then cosine decay to lr * final over the planned steps. With a time limit, the number of
    epochs is re-planned after every epoch from the measured epoch times (a shared machine's speed varies),
    never beyond the requested epochs; the cosine follows the new plan."""

    def __init__(self, lr: float, final: float, epochs: int, steps_per_epoch: int, time_limit_s: float | None) -> None:
        self.lr, self.final = lr, final
        self.max_epochs = self.epochs = epochs
        self.steps = steps_per_epoch
        self.warmup = min(300, max(10, epochs * steps_per_epoch // 20))
        self.time_limit_s = time_limit_s
        self.epoch_times: list[float] = []

    @property
    def total_steps(self) -> int:
        return self.epochs * self.steps

    def lr_at(self, it: int) -> float:
        if it < self.warmup:
            return self.lr * (it + 1) / self.warmup
        p = min(1.0, (it - self.warmup) / max(1, self.total_steps - self.warmup))
        return self.lr * (self.final + (1 - self.final) * 0.5 * (1 + math.cos(math.pi * p)))

    def end_epoch(self, done: int, epoch_s: float, elapsed_s: float) -> None:
        self.epoch_times.append(epoch_s)
        if self.time_limit_s is None:
            return
        per_epoch = sum(self.epoch_times) / len(self.epoch_times)
        allowed = done + int((self.time_limit_s - elapsed_s) // per_epoch)
        self.epochs = max(done, min(self.max_epochs, allowed))

    @property
    def cut_by_time(self) -> bool:
        return self.epochs < self.max_epochs

    def describe(self) -> str:
        return f"linear warm-up {self.warmup} steps, cosine to x{self.final}"


class ModelEMA:
    """Exponential moving average of weights and BatchNorm statistics, with YOLOv5/v8's ramped decay
    d = 0.9999 * (1 - exp(-updates / tau)); tau is tied to the schedule length so short runs still average."""

    def __init__(self, model: nn.Module, tau: float) -> None:
        self.ema = copy.deepcopy(model).eval()
        for p in self.ema.parameters():
            p.requires_grad_(False)
        self.tau = tau
        self.updates = 0

    @torch.no_grad()
    def update(self, model: nn.Module) -> None:
        self.updates += 1
        d = 0.9999 * (1 - math.exp(-self.updates / self.tau))
        src = model.state_dict()
        for k, v in self.ema.state_dict().items():
            if v.dtype.is_floating_point:
                v.mul_(d).add_(src[k].detach(), alpha=1 - d)
