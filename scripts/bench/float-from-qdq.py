#!/usr/bin/python3
"""Turns an int8 QDQ ONNX model back into a float model with the same graph: every DequantizeLinear of a
constant becomes a float initialiser, every QuantizeLinear -> DequantizeLinear pair on an activation is removed.

The benchmark uses it to time float against int8 inference for the bundled model, of which only the int8 file
is committed. Its weights are the int8 values dequantised, so its compute cost is exactly a float model's.

usage: float-from-qdq.py IN.onnx OUT.onnx
"""
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def dequantize(q, scale, zero_point, axis):
    q = q.astype(np.float32)
    zp = np.zeros_like(scale) if zero_point is None else zero_point.astype(np.float32)
    if scale.ndim == 0:
        return ((q - zp) * scale).astype(np.float32)
    shape = [1] * q.ndim
    shape[axis] = -1
    return ((q - zp.reshape(shape)) * scale.reshape(shape)).astype(np.float32)


def main(src, dst):
    model = onnx.load(src)
    graph = model.graph
    inits = {t.name: t for t in graph.initializer}
    consumers = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)

    new_inits = []
    rename = {}
    drop = set()
    for node in graph.node:
        if node.op_type == 'DequantizeLinear' and node.input[0] in inits:
            axis = next((a.i for a in node.attribute if a.name == 'axis'), 1)
            q = numpy_helper.to_array(inits[node.input[0]])
            scale = numpy_helper.to_array(inits[node.input[1]])
            zp = numpy_helper.to_array(inits[node.input[2]]) if len(node.input) > 2 and node.input[2] else None
            new_inits.append(numpy_helper.from_array(dequantize(q, scale, zp, axis), node.output[0]))
            drop.add(id(node))
        elif node.op_type == 'QuantizeLinear' and node.input[0] not in inits:
            users = consumers.get(node.output[0], [])
            if users and all(u.op_type == 'DequantizeLinear' for u in users):
                drop.add(id(node))
                for dq in users:
                    drop.add(id(dq))
                    rename[dq.output[0]] = node.input[0]

    def resolve(name):
        while name in rename:
            name = rename[name]
        return name

    kept = [n for n in graph.node if id(n) not in drop]
    for node in kept:
        for i, name in enumerate(node.input):
            node.input[i] = resolve(name)
    for out in graph.output:
        if out.name in rename:
            raise SystemExit(f'{src}: graph output {out.name} is produced by a removed node')
    del graph.node[:]
    graph.node.extend(kept)

    used = {name for node in kept for name in node.input}
    remaining = [t for t in graph.initializer if t.name in used] + [t for t in new_inits if t.name in used]
    del graph.initializer[:]
    graph.initializer.extend(remaining)
    for prop in model.metadata_props:
        if prop.key == 'quantization':
            prop.value = 'float32'
    onnx.checker.check_model(model)
    onnx.save(model, dst)


if __name__ == '__main__':
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2])
