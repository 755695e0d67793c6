"""`train`: from scratch or fine-tuning a checkpoint, on a YOLO data set cached in memory."""
from __future__ import annotations

import copy
import json
import math
import os
import platform
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from .arch import ArchConfig, arch_from_name, parse_imgsz
from .augment import AugmentConfig, augment_batch
from .checkpoint import load_checkpoint, save_checkpoint
from .data_yaml import load_data_yaml
from .dataset import load_split
from .errors import TrainerError
from .evaluate import evaluate_model
from .loss import detection_loss
from .model import Detector, count_flops, count_params
from .progress import Progress, fmt_duration


@dataclass
class TrainArgs:
    data: str
    out: str
    imgsz: str | int | None = None  # N or "H,W"
    epochs: int = 30
    batch: int = 16
    lr: float | None = None
    init: str | None = None
    threads: int | None = None
    seed: int = 0
    time_limit: float | None = None  # minutes
    arch: str = "lookout"
    width: float = 1.0
    weight_decay: float = 5e-4
    final_lr: float = 0.02  # cosine decay to lr * final_lr
    augment: bool = True
    val_limit: int | None = None


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


def _optimizer(model: nn.Module, lr: float, weight_decay: float) -> torch.optim.Optimizer:
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        (decay if p.ndim > 1 else no_decay).append(p)  # conv weights decay; BatchNorm and biases do not
    return torch.optim.AdamW([{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}],
                             lr=lr, betas=(0.9, 0.999))


def _fitness(m: dict) -> float:
    # Ultralytics' model selection: 0.1 * mAP50 + 0.9 * mAP50-95.
    return 0.1 * m["map50"] + 0.9 * m["map50_95"]


def train(args: TrainArgs) -> dict:
    t_start = time.monotonic()
    threads = args.threads or os.cpu_count() or 1
    torch.set_num_threads(threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    if args.epochs < 1 or args.batch < 2:
        raise TrainerError("ARG_INVALID", "epochs must be >= 1 and batch >= 2", "--epochs/--batch")
    spec = load_data_yaml(args.data)
    if args.init:
        model, ckpt = load_checkpoint(args.init)
        if list(ckpt["names"]) != spec.names:
            raise TrainerError("NAMES_MISMATCH",
                               f"the checkpoint's classes {ckpt['names']} differ from the data set's {spec.names}; "
                               "fine-tuning keeps the model's classes, so the data set must use the same names in the same order",
                               f"{spec.yaml_path}: names")
        hw = parse_imgsz(args.imgsz if args.imgsz is not None else ckpt["imgsz"])
        lr = args.lr if args.lr is not None else 0.0005
    else:
        hw = parse_imgsz(args.imgsz if args.imgsz is not None else 256)
        model = Detector(arch_from_name(args.arch, spec.nc, args.width))
        model.init_biases(hw)
        lr = args.lr if args.lr is not None else 0.002
    cfg: ArchConfig = model.cfg
    # NHWC: oneDNN's convolutions (forward and backward) run about 20% faster on CPU than NCHW (measured here).
    model = model.to(memory_format=torch.channels_last)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    train_data = load_split(spec, "train", hw, threads=threads)
    val_data = load_split(spec, "val", hw, threads=threads, limit=args.val_limit)
    t_cached = time.monotonic()
    n = len(train_data)
    batch = min(args.batch, n)
    # BatchNorm needs two samples: a final batch of one image is dropped.
    steps = n // batch + (1 if n % batch >= 2 else 0)
    epochs = args.epochs
    total_steps = epochs * steps
    warmup = min(300, max(10, total_steps // 20))
    ema = ModelEMA(model, tau=max(20.0, min(2000.0, total_steps / 5)))
    opt = _optimizer(model, lr, args.weight_decay)
    aug = AugmentConfig() if args.augment else AugmentConfig(scale=0, translate=0, flip=0, hue=0, saturation=0, value=0)
    params = count_params(model)
    gflops = count_flops(model, hw)
    recipe = {"args": {**asdict(args), "imgsz": list(hw), "lr": lr, "threads": threads, "batch": batch},
              "arch": cfg.to_dict(), "params": params, "gflops": round(gflops, 3), "augment": asdict(aug),
              "optimizer": "AdamW", "schedule": f"linear warm-up {warmup} steps, cosine to x{args.final_lr}",
              "ema": True, "loss": "BCE(task-aligned targets) x0.5 + CIoU x7.5 + DFL x1.5", "assigner": "TAL top-10, alpha 0.5, beta 6"}
    dataset = {"yaml": str(spec.yaml_path), "names": spec.names, "train": train_data.summary(), "val": val_data.summary()}
    report: dict = {"command": "train", "recipe": recipe, "dataset": dataset, "imgsz": list(hw), "names": spec.names,
                    "init": args.init, "epochs": [], "torch": torch.__version__, "python": platform.python_version()}
    progress = Progress()
    best_fit = -1.0
    step_times: list[float] = []
    epoch_times: list[float] = []
    it = 0
    epoch = 0
    stopped_by_time = False
    while epoch < epochs:
        t_epoch = time.monotonic()
        model.train()
        perm = rng.permutation(n)
        sums = {"box": 0.0, "cls": 0.0, "dfl": 0.0}
        seen = 0
        for s in range(steps):
            t_step = time.monotonic()
            idx = np.sort(perm[s * batch:(s + 1) * batch])
            imgs, targets = augment_batch(train_data.images[idx], [train_data.labels[i] for i in idx], aug, rng)
            cur_lr = _lr_at(it, total_steps, warmup, lr, args.final_lr)
            for g in opt.param_groups:
                g["lr"] = cur_lr
            imgs = imgs.contiguous(memory_format=torch.channels_last)
            loss, parts = detection_loss(model(imgs), targets, cfg.reg_max)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 10.0)
            opt.step()
            ema.update(model)
            it += 1
            seen += len(idx)
            for k in sums:
                sums[k] += parts[k]
            step_times.append(time.monotonic() - t_step)
            recent = step_times[-20:]
            per_step = sum(recent) / len(recent)
            eta = (total_steps - it) * per_step + (epochs - epoch) * _eval_estimate(epoch_times, steps, step_times)
            progress.update(
                f"epoch {epoch + 1}/{epochs} step {s + 1}/{steps} loss box {sums['box'] / (s + 1):.3f} "
                f"cls {sums['cls'] / (s + 1):.3f} dfl {sums['dfl'] / (s + 1):.3f} | {len(idx) / per_step:.1f} img/s "
                f"| lr {cur_lr:.2e} | ETA {fmt_duration(eta)}", force=s + 1 == steps)
        t_train_epoch = time.monotonic() - t_epoch
        metrics = evaluate_model(ema.ema, val_data)
        epoch_time = time.monotonic() - t_epoch
        epoch_times.append(epoch_time)
        row = {"epoch": epoch + 1, "loss": {k: round(v / steps, 5) for k, v in sums.items()},
               "map50": round(metrics["map50"], 5), "map50_95": round(metrics["map50_95"], 5),
               "lr": cur_lr, "train_s": round(t_train_epoch, 2), "time_s": round(epoch_time, 2),
               "imgs_per_s": round(seen / t_train_epoch, 2)}
        report["epochs"].append(row)
        progress.done(f"epoch {epoch + 1}/{epochs} done in {fmt_duration(epoch_time)}: val mAP50 {metrics['map50']:.4f} "
                      f"mAP50-95 {metrics['map50_95']:.4f}")
        extra = {"epoch": epoch + 1, "metrics": metrics, "recipe": recipe, "dataset": _dataset_text(dataset)}
        save_checkpoint(out / "last.pt", ema.ema, spec.names, hw, extra)  # type: ignore[arg-type]
        if _fitness(metrics) > best_fit:
            best_fit = _fitness(metrics)
            report["best"] = {"epoch": epoch + 1, "map50": metrics["map50"], "map50_95": metrics["map50_95"],
                              "per_class": metrics["per_class"]}
            save_checkpoint(out / "best.pt", ema.ema, spec.names, hw, extra)  # type: ignore[arg-type]
        epoch += 1
        if args.time_limit is not None:
            # Fit the schedule into the time limit: as many epochs as the measured epoch time allows.
            elapsed = time.monotonic() - t_start
            per_epoch = sum(epoch_times) / len(epoch_times)
            allowed = epoch + int((args.time_limit * 60 - elapsed) // per_epoch)
            # Re-planned after every epoch (a shared machine's speed varies), never beyond --epochs.
            planned = max(epoch, min(args.epochs, allowed))
            if planned != epochs:
                epochs = planned
                total_steps = epochs * steps
            stopped_by_time = epochs < args.epochs
        report["time"] = {"cache_s": round(t_cached - t_start, 1), "train_s": round(time.monotonic() - t_cached, 1),
                          "total_s": round(time.monotonic() - t_start, 1)}
        report["epochs_run"] = epoch
        report["stopped_by_time_limit"] = stopped_by_time
        (out / "train.json").write_text(json.dumps(report, indent=2) + "\n")
    progress.done(f"trained {epoch} epochs in {fmt_duration(time.monotonic() - t_start)}; best epoch "
                  f"{report['best']['epoch']}: mAP50 {report['best']['map50']:.4f} mAP50-95 {report['best']['map50_95']:.4f}; "
                  f"wrote {out / 'best.pt'}, {out / 'last.pt'}, {out / 'train.json'}")
    return report


def _lr_at(it: int, total: int, warmup: int, lr: float, final: float) -> float:
    if it < warmup:
        return lr * (it + 1) / warmup
    p = min(1.0, (it - warmup) / max(1, total - warmup))
    return lr * (final + (1 - final) * 0.5 * (1 + math.cos(math.pi * p)))


def _eval_estimate(epoch_times: list[float], steps: int, step_times: list[float]) -> float:
    """Seconds of validation per epoch, from the epochs done so far (their time less their training steps)."""
    if not epoch_times:
        return 0.0
    train_part = sum(step_times[-steps:]) if len(step_times) >= steps else 0.0
    return max(0.0, epoch_times[-1] - train_part)


def _dataset_text(d: dict) -> str:
    parts = [f"{Path(d['yaml']).parent.name}: classes {', '.join(d['names'])}"]
    for split in ("train", "val"):
        s = d[split]
        parts.append(f"{split} {s['images']} images / {s['instances']} objects")
    return "; ".join(parts)
