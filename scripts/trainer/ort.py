"""Calls onnxruntime-node through `ort_tool.mjs` (the Debian Python has no onnxruntime)."""
from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from .errors import TrainerError

TOOL = Path(__file__).with_name("ort_tool.mjs")


def _node(args: list[str], timeout: float = 600) -> dict:
    node = shutil.which("node")
    if node is None:
        raise TrainerError("NODE_MISSING", "node is not on PATH: onnxruntime-node is needed to run ONNX models")
    proc = subprocess.run([node, str(TOOL), *args], capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise TrainerError("ORT_FAILED", f"onnxruntime-node failed: {proc.stderr.strip()[-2000:]}", args[2] if len(args) > 2 else None)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def ort_info(model: str | Path, optimized: str | Path | None = None) -> dict:
    extra = ["--optimized", str(optimized)] if optimized else []
    return _node(["info", "--model", str(model), *extra])


def ort_bench(model: str | Path, threads: int = 1, runs: int = 30, warmup: int = 5) -> dict:
    return _node(["bench", "--model", str(model), "--threads", str(threads), "--runs", str(runs), "--warmup", str(warmup)])


def ort_run(model: str | Path, images: np.ndarray, threads: int = 1) -> tuple[np.ndarray, dict]:
    """images uint8 [N, H, W, 3] -> `output0` for each, [N, 4+nc, A] float32."""
    n, h, w, _ = images.shape
    with tempfile.TemporaryDirectory(prefix="lookout-ort-") as d:
        src, dst = Path(d) / "images.u8", Path(d) / "out.f32"
        np.ascontiguousarray(images).tofile(src)
        info = _node(["run", "--model", str(model), "--images", str(src), "--count", str(n), "--height", str(h),
                      "--width", str(w), "--out", str(dst), "--threads", str(threads)])
        dims = info["dims"]
        out = np.fromfile(dst, dtype=np.float32).reshape(n, *dims[1:])
    return out, info
