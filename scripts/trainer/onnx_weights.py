"""Convolution weights of an ONNX model exported by this trainer, as float arrays keyed by the fused Detector's
state_dict names, and the model's float twin (same graph, activation Q/DQ pairs removed).

Where a weight comes from in the graphs `export` writes:
- float: the initialiser named after the parameter (`stem.conv.weight`), as torch.onnx.export keeps it;
- int8 QDQ: `<param>_quantized` (int8 per output channel, or int32 for biases) behind a DequantizeLinear
  (qdq_graph.py writes them);
- either: an Identity whose output carries the parameter's name, where torch.onnx.export (1.13) merged
  parameters of equal value into one initialiser (its initialiser de-duplication pass); in an int8 graph such a
  weight may still pass a QuantizeLinear -> DequantizeLinear pair at run time.
Each Conv's weight and bias inputs are followed back through Identity / QuantizeLinear / DequantizeLinear to a
parameter name, and evaluated the way onnxruntime evaluates those operators (ONNX operator spec:
DequantizeLinear y = (x - zero_point) * scale; QuantizeLinear rounds half to even and saturates).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import onnx
from onnx import numpy_helper

from .qdq_graph import quantize_array

_PASS_THROUGH = ("Identity", "QuantizeLinear", "DequantizeLinear")
QUANTIZED_SUFFIX = "_quantized"


class GraphError(ValueError):
    """The graph is not one `export` writes; the message says what does not fit."""


def _axis(node: onnx.NodeProto) -> int:
    return next((a.i for a in node.attribute if a.name == "axis"), 1)


def _per_axis(v: np.ndarray, ndim: int, axis: int) -> np.ndarray:
    if v.ndim == 0 or ndim <= 1:
        return v
    shape = [1] * ndim
    shape[axis] = -1
    return v.reshape(shape)


def dequantize_array(q: np.ndarray, scale: np.ndarray, zero_point: np.ndarray | None, axis: int) -> np.ndarray:
    """DequantizeLinear of a constant: the subtraction in integers, the product in float32, as onnxruntime."""
    x = q.astype(np.int64)
    if zero_point is not None:
        x = x - _per_axis(zero_point.astype(np.int64), q.ndim, axis)
    return (x.astype(np.float32) * _per_axis(scale.astype(np.float32), q.ndim, axis)).astype(np.float32)


class ConstGraph:
    """Constant evaluation of initialisers and of the Identity / Q / DQ nodes that only read constants."""

    def __init__(self, model: onnx.ModelProto) -> None:
        self.graph = model.graph
        self.inits = {t.name: t for t in model.graph.initializer}
        self.producer = {o: n for n in model.graph.node for o in n.output}
        self._cache: dict[str, np.ndarray] = {}

    def value(self, name: str) -> np.ndarray | None:
        if name in self._cache:
            return self._cache[name]
        v: np.ndarray | None = None
        if name in self.inits:
            v = numpy_helper.to_array(self.inits[name])
        elif (node := self.producer.get(name)) is not None:
            if node.op_type == "Constant" and len(node.attribute) == 1 and node.attribute[0].name == "value":
                v = numpy_helper.to_array(node.attribute[0].t)
            elif node.op_type in _PASS_THROUGH:
                args = [self.value(i) if i else None for i in node.input]
                if node.op_type == "Identity":
                    v = args[0]
                elif args[0] is not None and args[1] is not None:
                    zp = args[2] if len(args) > 2 else None
                    if node.op_type == "DequantizeLinear":
                        v = dequantize_array(args[0], args[1], zp, _axis(node))
                    else:
                        v = quantize_array(args[0].astype(np.float32), args[1],
                                           zp if zp is not None else np.zeros((), np.uint8), _axis(node))
        if v is not None:
            self._cache[name] = v
        return v

    def param_name(self, name: str) -> str | None:
        """The parameter a Conv input was exported from, or None (computed at run time, or not a parameter)."""
        while True:
            if name in self.inits:
                return name[: -len(QUANTIZED_SUFFIX)] if name.endswith(QUANTIZED_SUFFIX) else name
            node = self.producer.get(name)
            if node is None or node.op_type not in _PASS_THROUGH:
                return None
            if node.op_type == "Identity":
                return name  # de-duplicated parameter: the Identity's output keeps the dropped parameter's name
            name = node.input[0]


@dataclass
class ConvWeights:
    """Float values by parameter name, and for each, the Conv node and input slot (1 weight, 2 bias) it feeds."""
    values: dict[str, np.ndarray]
    slots: dict[str, tuple[str, int]]


def conv_weights(model: onnx.ModelProto) -> ConvWeights:
    g = ConstGraph(model)
    values: dict[str, np.ndarray] = {}
    slots: dict[str, tuple[str, int]] = {}
    for i, node in enumerate(model.graph.node):
        if node.op_type != "Conv":
            continue
        node_id = node.name or f"Conv #{i}"
        for slot in (1, 2):
            if slot >= len(node.input) or not node.input[slot]:
                continue
            key = g.param_name(node.input[slot])
            v = g.value(node.input[slot])
            if key is None or v is None:
                raise GraphError(f"{node_id}: input '{node.input[slot]}' is not a constant traceable to a parameter name")
            if key in slots:
                raise GraphError(f"parameter '{key}' feeds two convolutions ({slots[key][0]} and {node_id})")
            values[key] = v.astype(np.float32)
            slots[key] = (node_id, slot)
    return ConvWeights(values, slots)


def float_twin(model: onnx.ModelProto, weights: ConvWeights) -> onnx.ModelProto:
    """The same graph in float: every Conv reads its weights as float initialisers (the dequantised values) and
    every QuantizeLinear -> DequantizeLinear pair on an activation is removed. Raises GraphError if a Q/DQ is
    left (the twin would not be float)."""
    twin = onnx.ModelProto()
    twin.CopyFrom(model)
    g = twin.graph
    by_id = {n.name or f"Conv #{i}": n for i, n in enumerate(g.node) if n.op_type == "Conv"}
    for key, (node_id, slot) in weights.slots.items():
        name = f"float_twin/{key}"
        g.initializer.append(numpy_helper.from_array(weights.values[key], name))
        by_id[node_id].input[slot] = name
    consts = {t.name for t in g.initializer}
    consumers: dict[str, list[onnx.NodeProto]] = {}
    for n in g.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    rename: dict[str, str] = {}
    drop: set[int] = set()
    for n in g.node:
        if n.op_type == "QuantizeLinear" and n.input[0] not in consts:
            users = consumers.get(n.output[0], [])
            if users and all(u.op_type == "DequantizeLinear" for u in users):
                drop.add(id(n))
                for dq in users:
                    drop.add(id(dq))
                    rename[dq.output[0]] = n.input[0]
    kept = [n for n in g.node if id(n) not in drop]
    for n in kept:
        for i, name in enumerate(n.input):
            while name in rename:
                name = rename[name]
            n.input[i] = name
    if any(o.name in rename for o in g.output):
        raise GraphError("a graph output is produced by a QuantizeLinear/DequantizeLinear pair")
    # Drop what no longer feeds anything (the weights' DequantizeLinear nodes), back to front.
    needed = {o.name for o in g.output}
    live: list[onnx.NodeProto] = []
    for n in reversed(kept):
        if any(o in needed for o in n.output):
            live.append(n)
            needed.update(i for i in n.input if i)
    live.reverse()
    left = sorted({n.op_type for n in live if n.op_type in ("QuantizeLinear", "DequantizeLinear")})
    if left:
        raise GraphError(f"{', '.join(left)} left after removing activation pairs")
    del g.node[:]
    g.node.extend(live)
    inits = [t for t in g.initializer if t.name in needed]
    del g.initializer[:]
    g.initializer.extend(inits)
    for p in twin.metadata_props:
        if p.key == "quantization":
            p.value = "float32"
    onnx.checker.check_model(twin)
    return twin

