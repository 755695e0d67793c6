"""`eval`: mAP of a checkpoint (torch) or an exported ONNX model (onnxruntime-node) on a split of a data set."""
from __future__ import annotations

import ast
import os
import time
from pathlib import Path

import onnx
import torch

from .checkpoint import load_checkpoint
from .data_yaml import load_data_yaml
from .dataset import load_split
from .errors import TrainerError
from .evaluate import evaluate_model, evaluate_outputs
from .ort import ort_run


def eval_command(weights: str, data: str, split: str = "val", batch: int = 32, threads: int | None = None,
                 limit: int | None = None) -> dict:
    threads = threads or os.cpu_count() or 1
    torch.set_num_threads(threads)
    spec = load_data_yaml(data)
    t0 = time.monotonic()
    if weights.endswith(".onnx"):
        names, hw = _onnx_names_and_size(weights)
        _check_names(names, spec.names, data)
        cached = load_split(spec, split, hw, threads=threads, limit=limit)
        outputs, info = ort_run(weights, cached.images, threads=threads)
        res = evaluate_outputs(lambda s, e: outputs[s:e], cached, batch)
        res["runtime"] = {"engine": "onnxruntime-node", "threads": threads, "median_ms": round(info["median"], 3)}
    else:
        model, ckpt = load_checkpoint(weights)
        _check_names(list(ckpt["names"]), spec.names, data)
        hw = (int(ckpt["imgsz"][0]), int(ckpt["imgsz"][1]))
        cached = load_split(spec, split, hw, threads=threads, limit=limit)
        res = evaluate_model(model, cached, batch=batch)
        res["runtime"] = {"engine": f"torch {torch.__version__}", "threads": threads}
    res.update({"weights": weights, "data": str(spec.yaml_path), "split": split, "imgsz": list(hw),
                "conf": 0.001, "iou": 0.7, "seconds": round(time.monotonic() - t0, 1)})
    return res


def _check_names(model_names: list[str], data_names: list[str], data: str) -> None:
    if model_names != data_names:
        raise TrainerError("NAMES_MISMATCH", f"the model's classes {model_names} differ from the data set's {data_names}",
                           f"{data}: names")


def _onnx_names_and_size(path: str) -> tuple[list[str], tuple[int, int]]:
    if not Path(path).is_file():
        raise TrainerError("MODEL_MISSING", "ONNX model not found", path)
    m = onnx.load(path, load_external_data=False)
    props = {p.key: p.value for p in m.metadata_props}
    try:
        names_map = ast.literal_eval(props["names"])
        names = [str(names_map[i]) for i in range(len(names_map))]
        h, w = ast.literal_eval(props["imgsz"])
    except (KeyError, ValueError, SyntaxError, TypeError) as e:
        raise TrainerError("MODEL_METADATA", f"missing or bad 'names'/'imgsz' metadata: {e}", path) from None
    return names, (int(h), int(w))
