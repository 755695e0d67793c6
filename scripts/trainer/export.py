"""`export` and `random`: float ONNX (opset 13, BatchNorm folded) and int8 QDQ ONNX with Ultralytics' layout and
metadata: input `images` [1,3,H,W] RGB 0..1, output `output0` [1, 4+nc, A]; props names/imgsz/stride/task/..."""
from __future__ import annotations

import copy
import datetime as dt
import io
import json
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import onnx
import torch

from .arch import STRIDES, arch_from_name, parse_imgsz
from .augment import to_tensor
from .checkpoint import load_checkpoint
from .data_yaml import load_data_yaml
from .dataset import load_split
from .errors import TrainerError
from .model import Detector, count_flops, count_params
from .qdq_graph import clean_qdq, summarize_qdq
from .quant import qpoints, set_qmode

OPSET = 13


def anchor_count(h: int, w: int) -> int:
    return sum((h // s) * (w // s) for s in STRIDES)


def _export_onnx(model: Detector, hw: tuple[int, int]) -> onnx.ModelProto:
    model.eval()
    model.export_hw = hw
    buf = io.BytesIO()
    # The exporter warns about the custom Q/DQ symbolics (no shape inference for their constants, numpy scales
    # traced as constants, deprecated g.op): all expected here, the graph is checked after export.
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, torch.zeros(1, 3, *hw), buf, opset_version=OPSET, input_names=["images"],
                          output_names=["output0"], do_constant_folding=True)
    model.export_hw = None
    return onnx.load_from_string(buf.getvalue())


def _set_metadata(m: onnx.ModelProto, props: dict[str, str]) -> None:
    del m.metadata_props[:]
    for k, v in props.items():
        e = m.metadata_props.add()
        e.key, e.value = k, v


def metadata(model: Detector, params: int, names: list[str], hw: tuple[int, int], quantization: str, version: str,
             dataset: str, recipe: dict, description: str) -> dict[str, str]:
    # Ultralytics writes `names` as a Python dict literal and `imgsz` as a list; readers parse both forms.
    return {
        "description": description,
        "author": "Lookout trainer",
        "date": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        "version": version,
        "task": "detect",
        "stride": str(max(STRIDES)),
        "batch": "1",
        "imgsz": str([hw[0], hw[1]]),
        "names": str({i: n for i, n in enumerate(names)}),
        "quantization": quantization,
        "dataset": dataset,
        "trainer": json.dumps(recipe, separators=(",", ":")),
        "arch": model.cfg.name,
        "params": str(params),
    }


def _calibrate(model: Detector, images: np.ndarray, method: str, batch: int = 16) -> None:
    if method == "percentile":
        for q in qpoints(model):
            if q.method == "mse":
                q.method = "percentile"
    with torch.no_grad():
        for mode in ("minmax", "hist"):
            set_qmode(model, mode)
            for i in range(0, len(images), batch):
                model(to_tensor(images[i:i + batch]))
    for q in qpoints(model):
        q.finish_calibration()
    set_qmode(model, "quant")


def _save(m: onnx.ModelProto, path: Path) -> None:
    onnx.checker.check_model(m)
    tmp = path.with_suffix(".tmp")
    onnx.save(m, str(tmp))
    tmp.replace(path)


def export_model(model: Detector, names: list[str], hw: tuple[int, int], out: str | Path, calib_images: np.ndarray | None,
                 calib_method: str, version: str, dataset: str, recipe: dict, description: str) -> dict:
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    fused = copy.deepcopy(model).fuse().eval()
    set_qmode(fused, "float")
    # Parameters as trained (BatchNorm included), and after folding BatchNorm into the convolutions.
    res: dict = {"imgsz": list(hw), "anchors": anchor_count(*hw), "params": count_params(model),
                 "params_fused": count_params(fused),
                 "gflops": round(count_flops(fused, hw), 3)}
    t0 = time.monotonic()
    fm = _export_onnx(fused, hw)
    _set_metadata(fm, metadata(fused, res["params"], names, hw, "float32", version, dataset, recipe, description))
    _save(fm, out_dir / "model.onnx")
    res["float"] = {"path": str(out_dir / "model.onnx"), "bytes": (out_dir / "model.onnx").stat().st_size}
    if calib_images is not None:
        _calibrate(fused, calib_images, calib_method)
        qm = _export_onnx(fused, hw)
        cleaned = clean_qdq(qm)
        _set_metadata(qm, metadata(fused, res["params"], names, hw, "int8-qdq", version, dataset,
                                   {**recipe, "quantization": {"activations": "uint8 asymmetric per tensor",
                                                               "weights": "int8 symmetric per channel",
                                                               "calibration": f"{calib_method}, {len(calib_images)} images"}},
                                   description))
        _save(qm, out_dir / "model.int8.onnx")
        res["int8"] = {"path": str(out_dir / "model.int8.onnx"), "bytes": (out_dir / "model.int8.onnx").stat().st_size,
                       "calibration_images": int(len(calib_images)), "calibration": calib_method, **cleaned,
                       "graph": summarize_qdq(qm)}
    res["export_s"] = round(time.monotonic() - t0, 1)
    return res


def _calibration_frames(data: str, hw: tuple[int, int], count: int, threads: int) -> np.ndarray:
    spec = load_data_yaml(data)
    n = len(spec.image_files("train"))
    split = load_split(spec, "train", hw, limit=count, stride=max(1, n // max(1, count)), threads=threads)
    return split.images


def export_checkpoint(weights: str, out: str, calib: str | None = None, calib_images: int = 200,
                      calib_method: str = "mse", version: str = "1", threads: int | None = None) -> dict:
    threads = threads or os.cpu_count() or 1
    torch.set_num_threads(threads)
    model, ckpt = load_checkpoint(weights)
    hw = (int(ckpt["imgsz"][0]), int(ckpt["imgsz"][1]))
    recipe = ckpt.get("recipe", {})
    if calib is None:
        trained_on = recipe.get("args", {}).get("data")
        if trained_on and Path(trained_on).is_file():
            calib = trained_on
        else:
            print("export: no --calib data set (and the training one is gone): float model only", file=sys.stderr)
    frames = _calibration_frames(calib, hw, calib_images, threads) if calib else None
    metrics = ckpt.get("metrics", {})
    desc = (f"Lookout detector ({model.cfg.name}, {count_params(model) / 1e6:.2f} M parameters, {hw[1]}x{hw[0]}), "
            f"classes: {', '.join(ckpt['names'])}")
    summary = {k: recipe.get(k) for k in ("arch", "params", "gflops", "optimizer", "schedule", "loss", "assigner", "augment")}
    summary["args"] = {k: v for k, v in recipe.get("args", {}).items() if k not in ("out",)}
    if "init" in recipe:  # fine-tuned: which model it started from
        summary["init"] = recipe["init"]
    summary["epoch"] = ckpt.get("epoch")
    summary["val"] = {k: metrics.get(k) for k in ("map50", "map50_95")}
    return export_model(model, list(ckpt["names"]), hw, out, frames, calib_method, version,
                        str(ckpt.get("dataset", "")), summary, desc)


def export_random(arch: str, imgsz: str | int, classes: int, out: str, calib: str | None = None, calib_images: int = 32,
                  seed: int = 0, threads: int | None = None) -> dict:
    """Untrained weights of a given size (benchmarks): float + int8 at `imgsz`, classes named class0..classN-1."""
    threads = threads or os.cpu_count() or 1
    torch.set_num_threads(threads)
    hw = parse_imgsz(imgsz)
    if classes < 1:
        raise TrainerError("ARG_INVALID", "classes must be >= 1", "--classes")
    torch.manual_seed(seed)
    model = Detector(arch_from_name(arch, classes))
    model.init_biases(hw)
    # Give BatchNorm plausible statistics (running variance 1 would leave activations unnormalised): a few
    # training-mode passes over the calibration frames, without gradient.
    if calib:
        frames = _calibration_frames(calib, hw, calib_images, threads)
    else:
        rng = np.random.default_rng(seed)
        frames = rng.integers(0, 256, (calib_images, hw[0], hw[1], 3), dtype=np.uint8)
    model.train()
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.momentum = None  # cumulative average
        for i in range(0, len(frames), 8):
            model(to_tensor(frames[i:i + 8]))
    names = [f"class{i}" for i in range(classes)]
    recipe = {"arch": model.cfg.to_dict(), "weights": f"random (seed {seed}), BatchNorm statistics from {len(frames)} frames"}
    desc = f"Lookout {arch} detector with random weights, for benchmarks only ({hw[1]}x{hw[0]})"
    return export_model(model, names, hw, out, frames, "mse", "0", "none (random weights)", recipe, desc)
