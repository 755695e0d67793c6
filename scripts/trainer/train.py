"""`train`: from scratch or fine-tuning a checkpoint, on a YOLO data set cached in memory."""
from __future__ import annotations

import json
import os
import platform
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from .arch import arch_from_name, parse_imgsz
from .augment import AugmentConfig, augment_batch
from .checkpoint import load_checkpoint, save_checkpoint
from .data_yaml import DataSpec, load_data_yaml
from .dataset import CachedSplit, load_split
from .errors import TrainerError
from .evaluate import evaluate_model
from .loss import detection_loss
from .model import Detector, count_flops, count_params
from .onnx_init import load_onnx_init
from .optim import ModelEMA, Schedule, make_optimizer
from .progress import Progress, fmt_duration

# Default peak learning rates (AdamW): from scratch, and when fine-tuning a trained checkpoint.
LR_SCRATCH, LR_FINETUNE = 0.002, 0.0005


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


def _fitness(m: dict) -> float:
    # Ultralytics' model selection: 0.1 * mAP50 + 0.9 * mAP50-95.
    return 0.1 * m["map50"] + 0.9 * m["map50_95"]


def _load_init(path: str, threads: int) -> tuple[Detector, list[str], list[int], dict]:
    """-> (model, its class names, its input size, the `init` record of train.json)."""
    if path.lower().endswith(".onnx"):
        model, src = load_onnx_init(path, threads=threads)
        info = {k: v for k, v in src.items() if k not in ("names", "imgsz", "arch")}
        check = info["rebuild_check"]
        checked = (f"rebuild equals onnxruntime's run of {check['against']} within {check['max_scaled_diff']:.1e}"
                   if check else "rebuild not checked (no node)")
        print(f"init: {path}: {src['quantization']} ONNX, {model.cfg.name}, BatchNorm folded, {info['tensors']} weight tensors "
              f"({info['dequantized']} dequantised); {checked}", file=sys.stderr, flush=True)
        return model, src["names"], src["imgsz"], info
    model, ckpt = load_checkpoint(path)
    info = {"path": path, "kind": "pt", "quantization": "float32", "fused": model.fused, "params": count_params(model),
            "source": {"epoch": ckpt.get("epoch"), "dataset": ckpt.get("dataset")}}
    print(f"init: {path}: checkpoint of epoch {ckpt.get('epoch')}, {model.cfg.name}"
          f"{', BatchNorm folded' if model.fused else ''}", file=sys.stderr, flush=True)
    return model, list(ckpt["names"]), list(ckpt["imgsz"]), info


def _build_model(args: TrainArgs, spec: DataSpec, threads: int) -> tuple[Detector, tuple[int, int], float, dict | None]:
    """-> (model, input size (H, W), peak learning rate, the init record). Fine-tuning keeps the model's classes."""
    if args.init:
        model, names, imgsz, info = _load_init(args.init, threads)
        if names != spec.names:
            raise TrainerError("NAMES_MISMATCH",
                               f"the model's classes {names} differ from the data set's {spec.names}; "
                               "fine-tuning keeps the model's classes, so the data set must use the same names in the same order",
                               f"{spec.yaml_path}: names")
        hw = parse_imgsz(args.imgsz if args.imgsz is not None else imgsz)
        return model, hw, args.lr if args.lr is not None else LR_FINETUNE, info
    hw = parse_imgsz(args.imgsz if args.imgsz is not None else 256)
    model = Detector(arch_from_name(args.arch, spec.nc, args.width))
    model.init_biases(hw)
    return model, hw, args.lr if args.lr is not None else LR_SCRATCH, None


class _EpochRunner:
    """One pass over the shuffled training split, with progress on stderr."""

    def __init__(self, model: Detector, ema: ModelEMA, opt: torch.optim.Optimizer, sched: Schedule,
                 data: CachedSplit, batch: int, aug: AugmentConfig, rng: np.random.Generator) -> None:
        self.model, self.ema, self.opt, self.sched = model, ema, opt, sched
        self.data, self.batch, self.aug, self.rng = data, batch, aug, rng
        self.it = 0
        self.step_times: list[float] = []
        self.progress = Progress()

    def run(self, epoch: int, eval_s: float) -> dict:
        self.model.train()
        steps, batch = self.sched.steps, self.batch
        perm = self.rng.permutation(len(self.data))
        sums = {"box": 0.0, "cls": 0.0, "dfl": 0.0}
        seen, lr = 0, 0.0
        t0 = time.monotonic()
        for s in range(steps):
            t_step = time.monotonic()
            idx = np.sort(perm[s * batch:(s + 1) * batch])
            imgs, targets = augment_batch(self.data.images[idx], [self.data.labels[i] for i in idx], self.aug, self.rng)
            lr = self.sched.lr_at(self.it)
            for g in self.opt.param_groups:
                g["lr"] = lr
            loss, parts = detection_loss(self.model(imgs.contiguous(memory_format=torch.channels_last)), targets,
                                         self.model.cfg.reg_max)
            self.opt.zero_grad(set_to_none=True)
            loss.backward()
            nn.utils.clip_grad_norm_(self.model.parameters(), 10.0)
            self.opt.step()
            self.ema.update(self.model)
            self.it += 1
            seen += len(idx)
            for k in sums:
                sums[k] += parts[k]
            self.step_times.append(time.monotonic() - t_step)
            recent = self.step_times[-20:]
            per_step = sum(recent) / len(recent)
            eta = (self.sched.total_steps - self.it) * per_step + (self.sched.epochs - epoch) * eval_s
            self.progress.update(
                f"epoch {epoch + 1}/{self.sched.epochs} step {s + 1}/{steps} loss box {sums['box'] / (s + 1):.3f} "
                f"cls {sums['cls'] / (s + 1):.3f} dfl {sums['dfl'] / (s + 1):.3f} | {len(idx) / per_step:.1f} img/s "
                f"| lr {lr:.2e} | ETA {fmt_duration(eta)}", force=s + 1 == steps)
        train_s = time.monotonic() - t0
        return {"loss": {k: round(v / steps, 5) for k, v in sums.items()}, "lr": lr, "train_s": round(train_s, 2),
                "imgs_per_s": round(seen / train_s, 2)}


def train(args: TrainArgs) -> dict:
    t_start = time.monotonic()
    threads = args.threads or os.cpu_count() or 1
    torch.set_num_threads(threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    if args.epochs < 1 or args.batch < 2:
        raise TrainerError("ARG_INVALID", "epochs must be >= 1 and batch >= 2", "--epochs/--batch")
    spec = load_data_yaml(args.data)
    model, hw, lr, init = _build_model(args, spec, threads)
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
    sched = Schedule(lr, args.final_lr, args.epochs, steps, args.time_limit * 60 if args.time_limit else None)
    ema = ModelEMA(model, tau=max(20.0, min(2000.0, sched.total_steps / 5)))
    aug = AugmentConfig() if args.augment else AugmentConfig(scale=0, translate=0, flip=0, hue=0, saturation=0, value=0)
    runner = _EpochRunner(model, ema, make_optimizer(model, lr, args.weight_decay), sched, train_data, batch, aug, rng)
    recipe = {"args": {**asdict(args), "imgsz": list(hw), "lr": lr, "threads": threads, "batch": batch},
              "arch": model.cfg.to_dict(), "params": count_params(model), "gflops": round(count_flops(model, hw), 3),
              "augment": asdict(aug), "optimizer": "AdamW", "schedule": sched.describe(), "ema": True,
              "loss": "BCE(task-aligned targets) x0.5 + CIoU x7.5 + DFL x1.5",
              "assigner": "TAL top-10, alpha 0.5, beta 6, centre cell always a candidate"}
    if init is not None:
        recipe["init"] = {k: init.get(k) for k in ("path", "kind", "quantization", "fused")}
    dataset = {"yaml": str(spec.yaml_path), "names": spec.names, "train": train_data.summary(), "val": val_data.summary()}
    report: dict = {"command": "train", "recipe": recipe, "dataset": dataset, "imgsz": list(hw), "names": spec.names,
                    "init": init, "epochs": [], "torch": torch.__version__, "python": platform.python_version()}
    best_fit = -1.0
    eval_s = 0.0
    epoch = 0
    while epoch < sched.epochs:
        t_epoch = time.monotonic()
        row = runner.run(epoch, eval_s)
        t_eval = time.monotonic()
        metrics = evaluate_model(ema.ema, val_data)
        eval_s = time.monotonic() - t_eval
        epoch_s = time.monotonic() - t_epoch
        report["epochs"].append({"epoch": epoch + 1, **row, "map50": round(metrics["map50"], 5),
                                 "map50_95": round(metrics["map50_95"], 5), "time_s": round(epoch_s, 2)})
        runner.progress.done(f"epoch {epoch + 1}/{sched.epochs} done in {fmt_duration(epoch_s)}: "
                             f"val mAP50 {metrics['map50']:.4f} mAP50-95 {metrics['map50_95']:.4f}")
        extra = {"epoch": epoch + 1, "metrics": metrics, "recipe": recipe, "dataset": _dataset_text(dataset)}
        save_checkpoint(out / "last.pt", ema.ema, spec.names, hw, extra)  # type: ignore[arg-type]
        if _fitness(metrics) > best_fit:
            best_fit = _fitness(metrics)
            report["best"] = {"epoch": epoch + 1, "map50": metrics["map50"], "map50_95": metrics["map50_95"],
                              "per_class": metrics["per_class"]}
            save_checkpoint(out / "best.pt", ema.ema, spec.names, hw, extra)  # type: ignore[arg-type]
        epoch += 1
        sched.end_epoch(epoch, epoch_s, time.monotonic() - t_start)
        now = time.monotonic()
        report["time"] = {"cache_s": round(t_cached - t_start, 1), "train_s": round(now - t_cached, 1),
                          "total_s": round(now - t_start, 1)}
        report["epochs_run"] = epoch
        report["stopped_by_time_limit"] = sched.cut_by_time
        (out / "train.json").write_text(json.dumps(report, indent=2) + "\n")
    best = report["best"]
    runner.progress.done(f"trained {epoch} epochs in {fmt_duration(time.monotonic() - t_start)}; best epoch {best['epoch']}: "
                         f"mAP50 {best['map50']:.4f} mAP50-95 {best['map50_95']:.4f}; "
                         f"wrote {out / 'best.pt'}, {out / 'last.pt'}, {out / 'train.json'}")
    return report


def _dataset_text(d: dict) -> str:
    parts = [f"{Path(d['yaml']).parent.name}: classes {', '.join(d['names'])}"]
    for split in ("train", "val"):
        s = d[split]
        parts.append(f"{split} {s['images']} images / {s['instances']} objects")
    return "; ".join(parts)
