"""Fine-tuning from a deployed model: rebuilds the fused Detector from an ONNX file this trainer exported (float
or int8 QDQ), from its metadata (`names`, `imgsz`, `arch`, the `trainer` recipe) and its convolution weights,
then checks the rebuild against onnxruntime's float run of the same graph."""
from __future__ import annotations

import ast
import json
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnx
import torch

from .arch import STRIDES, ArchConfig, arch_from_name
from .augment import to_tensor
from .errors import TrainerError
from .model import Detector, anchor_grid, count_params
from .onnx_weights import QUANTIZED_SUFFIX, ConvWeights, GraphError, conv_weights, float_twin
from .ort import ort_run

# Written by export.metadata(); without them the file did not come from this trainer.
REQUIRED_METADATA = ("names", "imgsz", "arch", "trainer", "quantization")
QUANTIZATIONS = ("float32", "int8-qdq")
# Largest |torch - onnxruntime| allowed on `output0`, with the box rows in units of each anchor's stride (grid
# cells, the unit the network predicts distances in) and the scores as they are. Pixels would not do: a box centre
# near 0 is anchor + offset cancelling out, where float32 sums in another order already differ by ~1e-3 pixels.
REBUILD_TOLERANCE = 1e-3


def _list(names: list[str], limit: int = 6) -> str:
    shown = ", ".join(f"'{n}'" for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def read_metadata(m: onnx.ModelProto, where: str) -> tuple[list[str], tuple[int, int], ArchConfig, dict, str, dict]:
    """-> (names, (H, W), architecture, trainer recipe, quantization, all metadata)."""
    props = {p.key: p.value for p in m.metadata_props}
    missing = [k for k in REQUIRED_METADATA if k not in props]
    if missing:
        raise TrainerError("ONNX_FOREIGN",
                           f"no {_list(missing)} metadata: only models exported by this trainer (export, random) can be "
                           f"fine-tuned (metadata present: {_list(sorted(props)) if props else 'none'})", where)
    try:
        names_map = ast.literal_eval(props["names"])
        names = [str(names_map[i]) for i in range(len(names_map))]
    except (ValueError, SyntaxError, TypeError, KeyError) as e:
        raise TrainerError("ONNX_METADATA_INVALID", f"'names' is not {{0: 'name', ...}}: {e}", f"{where}: names") from None
    try:
        h, w = ast.literal_eval(props["imgsz"])
        hw = (int(h), int(w))
    except (ValueError, SyntaxError, TypeError) as e:
        raise TrainerError("ONNX_METADATA_INVALID", f"'imgsz' is not [H, W]: {e}", f"{where}: imgsz") from None
    try:
        recipe = json.loads(props["trainer"])
        if not isinstance(recipe, dict):
            raise ValueError("not a JSON object")
    except ValueError as e:
        raise TrainerError("ONNX_METADATA_INVALID", f"'trainer' is not the recipe JSON: {e}", f"{where}: trainer") from None
    arch = recipe.get("arch")
    try:
        if isinstance(arch, dict):
            cfg = ArchConfig.from_dict(arch)
        else:  # only the preset and width recorded
            cfg = arch_from_name(props["arch"], len(names), float(recipe.get("args", {}).get("width", 1.0)))
    except (TrainerError, TypeError, ValueError) as e:
        raise TrainerError("ONNX_METADATA_INVALID", f"no usable architecture in 'trainer'/'arch': {e}", f"{where}: trainer") from None
    if cfg.name != props["arch"] or cfg.nc != len(names):
        raise TrainerError("ONNX_METADATA_INVALID",
                           f"the recipe's architecture ({cfg.name}, {cfg.nc} classes) contradicts 'arch' ({props['arch']}) "
                           f"or 'names' ({len(names)} classes)", f"{where}: trainer")
    if props["quantization"] not in QUANTIZATIONS:
        raise TrainerError("ONNX_METADATA_INVALID", f"quantization '{props['quantization']}' is not one of {', '.join(QUANTIZATIONS)}",
                           f"{where}: quantization")
    return names, hw, cfg, recipe, props["quantization"], props


def _check_io(m: onnx.ModelProto, hw: tuple[int, int], nc: int, where: str) -> None:
    def dims(v: onnx.ValueInfoProto) -> list[int | str]:
        return [d.dim_value if d.HasField("dim_value") else d.dim_param for d in v.type.tensor_type.shape.dim]

    ins = {i.name: dims(i) for i in m.graph.input}
    if ins.get("images") != [1, 3, hw[0], hw[1]]:
        raise TrainerError("ONNX_FOREIGN", f"input 'images' is {ins.get('images')}, not [1, 3, {hw[0]}, {hw[1]}] as 'imgsz' says", where)
    outs = {o.name: dims(o) for o in m.graph.output}
    if "output0" not in outs or outs["output0"][:2] != [1, 4 + nc]:
        raise TrainerError("ONNX_FOREIGN", f"output 'output0' is {outs.get('output0')}, not [1, {4 + nc}, A]", where)


def load_weights(model: Detector, weights: ConvWeights, where: str) -> None:
    """Loads every parameter exactly once, with its shape checked; anything missing or left over is refused."""
    state = model.state_dict()
    missing = [k for k in state if k not in weights.values]
    extra = [k for k in weights.values if k not in state]
    shapes = [f"{k} {list(weights.values[k].shape)} vs {list(v.shape)}" for k, v in state.items()
              if k in weights.values and tuple(weights.values[k].shape) != tuple(v.shape)]
    problems = []
    if missing:
        problems.append(f"no weights for {_list(missing)}")
    if extra:
        problems.append(f"weights for no parameter of the model: {_list(extra)}")
    if shapes:
        problems.append(f"shapes differ: {'; '.join(shapes[:6])}")
    if problems:
        raise TrainerError("ONNX_WEIGHTS_MISMATCH", f"the graph's convolutions do not fit a fused {model.cfg.name} model: "
                           + "; ".join(problems), where)
    model.load_state_dict({k: torch.from_numpy(weights.values[k].copy()) for k in state}, strict=True)


def probe_images(hw: tuple[int, int]) -> np.ndarray:
    """Two fixed inputs: uniform noise, and smooth colour ramps with a few hard edges."""
    h, w = hw
    noise = np.random.default_rng(0).integers(0, 256, (h, w, 3), dtype=np.uint8)
    y, x = np.mgrid[0:h, 0:w]
    ramps = np.stack([x * 255 // max(1, w - 1), y * 255 // max(1, h - 1), ((x // 16 + y // 16) % 2) * 200 + 30], -1)
    return np.stack([noise, ramps.astype(np.uint8)])


def check_rebuild(model: Detector, source: onnx.ModelProto, path: str, quantization: str, weights: ConvWeights,
                  hw: tuple[int, int], threads: int) -> dict:
    """Compares torch and onnxruntime on `output0` for `probe_images` (REBUILD_TOLERANCE). The int8 file is compared through its float
    twin (the same dequantised weights, activations not quantised), since the int8 run rounds activations."""
    images = probe_images(hw)
    was, prev = model.training, model.export_hw
    model.eval()
    model.export_hw = hw
    try:
        with torch.no_grad():
            ref = model(to_tensor(images)).numpy()
    finally:
        model.export_hw = prev
        model.train(was)
    with tempfile.TemporaryDirectory(prefix="lookout-init-") as d:
        if quantization == "float32":
            run_path, against = path, "the model file"
        else:
            run_path, against = str(Path(d) / "float-twin.onnx"), "its float twin (dequantised weights)"
            try:
                onnx.save(float_twin(source, weights), run_path)
            except (GraphError, onnx.checker.ValidationError) as e:
                raise TrainerError("ONNX_WEIGHTS_MISMATCH", f"cannot make the float twin of the QDQ graph: {e}", path) from None
        out, _ = ort_run(run_path, images, threads=threads)
    if out.shape != ref.shape:
        raise TrainerError("ONNX_REBUILD_MISMATCH", f"onnxruntime's output is {list(out.shape)}, the rebuild's {list(ref.shape)}", path)
    abs_diff = np.abs(out - ref)
    strides = anchor_grid([(hw[0] // s, hw[1] // s) for s in STRIDES])[1].numpy().reshape(1, 1, -1)
    scaled = float(max((abs_diff[:, :4] / strides).max(), abs_diff[:, 4:].max()))
    if not np.isfinite(scaled) or scaled > REBUILD_TOLERANCE:
        raise TrainerError("ONNX_REBUILD_MISMATCH",
                           f"the rebuilt torch model differs from onnxruntime's run of {against} by {scaled:.3g} "
                           f"(boxes in strides, scores as they are; allowed {REBUILD_TOLERANCE:g})", path)
    return {"engine": "onnxruntime-node", "against": against, "images": len(images), "max_abs_diff": float(abs_diff.max()),
            "max_scaled_diff": scaled, "tolerance": REBUILD_TOLERANCE}


def load_onnx_init(path: str, threads: int = 1) -> tuple[Detector, dict]:
    """-> (fused Detector with the file's weights, description of the source for train.json)."""
    if not Path(path).is_file():
        raise TrainerError("MODEL_MISSING", "ONNX model not found", path)
    try:
        m = onnx.load(path)
    except Exception as e:  # protobuf raises several types for a damaged or foreign file
        raise TrainerError("ONNX_INVALID", f"cannot read the ONNX file: {e}", path) from None
    names, hw, cfg, recipe, quantization, props = read_metadata(m, path)
    _check_io(m, hw, cfg.nc, path)
    try:
        weights = conv_weights(m)
    except GraphError as e:
        raise TrainerError("ONNX_WEIGHTS_MISMATCH", str(e), path) from None
    model = Detector(cfg).fuse()  # the export folded BatchNorm, so the parameters are the fused model's
    load_weights(model, weights, path)
    inits = {t.name for t in m.graph.initializer}
    info: dict = {"path": path, "kind": "onnx", "quantization": quantization, "fused": True, "names": names,
                  "imgsz": list(hw), "arch": cfg.to_dict(), "params": count_params(model), "tensors": len(weights.values),
                  "dequantized": sum(1 for k in weights.values if k + QUANTIZED_SUFFIX in inits),
                  "source": {k: props.get(k) for k in ("version", "date", "dataset")}
                  | {"epoch": recipe.get("epoch"), "val": recipe.get("val")}}
    if shutil.which("node") is None:
        print(f"init: node is not on PATH, so the rebuild of {path} is not checked against onnxruntime", file=sys.stderr)
        info["rebuild_check"] = None
    else:
        info["rebuild_check"] = check_rebuild(model, m, path, quantization, weights, hw, threads)
    return model, info
