"""Clean-up of the exported QDQ graph so that onnxruntime fuses it into integer kernels:

1. Constant nodes become initialisers (scales and zero points stay shape [] where they were scalars).
2. QuantizeLinear applied to a float weight initialiser is computed here: the weight is stored as an int8
   initialiser feeding its DequantizeLinear (the QDQ format onnxruntime's quantiser writes).
3. Convolution biases become int32 initialisers with scale = input scale x weight scale (per output channel)
   and zero point 0, behind a DequantizeLinear: QLinearConv takes an int32 bias of exactly that scale.
4. Unused initialisers are dropped.
"""
from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

_QRANGE = {np.dtype(np.uint8): (0, 255), np.dtype(np.int8): (-128, 127), np.dtype(np.int32): (-2**31, 2**31 - 1)}


def _constants_to_initializers(graph: onnx.GraphProto) -> None:
    keep = []
    for node in graph.node:
        if node.op_type == "Constant" and len(node.attribute) == 1 and node.attribute[0].name == "value":
            t = onnx.TensorProto()
            t.CopyFrom(node.attribute[0].t)
            t.name = node.output[0]
            graph.initializer.append(t)
        else:
            keep.append(node)
    del graph.node[:]
    graph.node.extend(keep)


def quantize_array(x: np.ndarray, scale: np.ndarray, zp: np.ndarray, axis: int) -> np.ndarray:
    """QuantizeLinear on a constant: scalar or per-axis (1-D) scale and zero point."""
    if scale.ndim == 1 and x.ndim > 1:
        shape = [1] * x.ndim
        shape[axis] = -1
        scale, zpb = scale.reshape(shape), zp.reshape(shape)
    else:
        zpb = zp
    lo, hi = _QRANGE[zp.dtype]
    # np.round rounds half to even, as QuantizeLinear does (ONNX operator spec).
    q = np.clip(np.round(x / scale) + zpb.astype(np.int64), lo, hi)
    return q.astype(zp.dtype)


def fold_weight_quantization(model: onnx.ModelProto) -> int:
    """Returns how many QuantizeLinear nodes were folded."""
    g = model.graph
    _constants_to_initializers(g)
    inits = {t.name: t for t in g.initializer}
    folded = 0
    replace: dict[str, str] = {}
    keep = []
    for node in g.node:
        if node.op_type == "QuantizeLinear" and node.input[0] in inits:
            x = numpy_helper.to_array(inits[node.input[0]])
            if x.dtype == np.float32:
                scale = numpy_helper.to_array(inits[node.input[1]])
                zp = numpy_helper.to_array(inits[node.input[2]])
                axis = next((a.i for a in node.attribute if a.name == "axis"), 1)
                q = quantize_array(x, scale, zp, axis)
                name = node.input[0] + "_quantized"
                g.initializer.append(numpy_helper.from_array(q, name))
                replace[node.output[0]] = name
                folded += 1
                continue
        keep.append(node)
    for node in keep:
        for i, name in enumerate(node.input):
            if name in replace:
                node.input[i] = replace[name]
    del g.node[:]
    g.node.extend(keep)
    return folded


def quantize_conv_biases(model: onnx.ModelProto) -> int:
    g = model.graph
    inits = {t.name: t for t in g.initializer}
    producer = {o: n for n in g.node for o in n.output}
    new_nodes = []
    count = 0
    for node in g.node:
        if node.op_type != "Conv" or len(node.input) < 3 or node.input[2] not in inits:
            continue
        dq_x, dq_w = producer.get(node.input[0]), producer.get(node.input[1])
        if dq_x is None or dq_w is None or dq_x.op_type != "DequantizeLinear" or dq_w.op_type != "DequantizeLinear":
            continue
        s_x = numpy_helper.to_array(inits[dq_x.input[1]]).astype(np.float64)
        s_w = numpy_helper.to_array(inits[dq_w.input[1]]).astype(np.float64)
        b = numpy_helper.to_array(inits[node.input[2]]).astype(np.float64)
        if s_x.ndim != 0:
            continue
        s_b = (s_x * s_w).astype(np.float32).reshape(-1) * np.ones(len(b), np.float32)
        qb = np.clip(np.round(b / s_b.astype(np.float64)), -2**31, 2**31 - 1).astype(np.int32)
        base = node.input[2]
        g.initializer.extend([numpy_helper.from_array(qb, base + "_quantized"),
                              numpy_helper.from_array(s_b, base + "_scale"),
                              numpy_helper.from_array(np.zeros(len(b), np.int32), base + "_zero_point")])
        out = base + "_dequantized"
        new_nodes.append(helper.make_node("DequantizeLinear", [base + "_quantized", base + "_scale", base + "_zero_point"],
                                          [out], name=base + "_DequantizeLinear", axis=0))
        node.input[2] = out
        count += 1
    # Inputs are initialisers, so the new nodes may come first in topological order.
    nodes = new_nodes + list(g.node)
    del g.node[:]
    g.node.extend(nodes)
    return count


def drop_unused_initializers(model: onnx.ModelProto) -> None:
    g = model.graph
    used = {i for n in g.node for i in n.input} | {o.name for o in g.output}
    keep = [t for t in g.initializer if t.name in used]
    del g.initializer[:]
    g.initializer.extend(keep)


def clean_qdq(model: onnx.ModelProto) -> dict:
    folded = fold_weight_quantization(model)
    biases = quantize_conv_biases(model)
    drop_unused_initializers(model)
    return {"weights_folded": folded, "biases_int32": biases}


def summarize_qdq(model: onnx.ModelProto) -> dict:
    """Counts for checks: op types, zero-point types of activation QuantizeLinear, weight initialiser types."""
    g = model.graph
    inits = {t.name: t for t in g.initializer}
    ops: dict[str, int] = {}
    for n in g.node:
        ops[n.op_type] = ops.get(n.op_type, 0) + 1
    q_zp_types = sorted({TensorProto.DataType.Name(inits[n.input[2]].data_type) for n in g.node
                         if n.op_type == "QuantizeLinear" and len(n.input) > 2 and n.input[2] in inits})
    q_scale_shapes = sorted({tuple(inits[n.input[1]].dims) for n in g.node if n.op_type == "QuantizeLinear"})
    conv_w = sorted({TensorProto.DataType.Name(inits[n.input[0]].data_type) for n in g.node
                     if n.op_type == "DequantizeLinear" and n.input[0] in inits and len(inits[n.input[0]].dims) == 4})
    return {"ops": ops, "activation_zero_point_types": q_zp_types, "activation_scale_shapes": [list(s) for s in q_scale_shapes],
            "conv_weight_types": conv_w}
