#!/usr/bin/python3
"""Turns an int8 QDQ ONNX model back into a float model with the same graph: the trainer's float twin (every
convolution reads its dequantised weights as float initialisers, every QuantizeLinear -> DequantizeLinear pair on
an activation removed).

The benchmark uses it to time float against int8 inference for the bundled model, of which only the int8 file
is committed. Its weights are the int8 values dequantised, so its compute cost is exactly a float model's.

usage: float-from-qdq.py IN.onnx OUT.onnx
"""
import pathlib
import sys

import onnx

# The trainer package lives under scripts/ at the repository root.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))
from scripts.trainer.onnx_weights import conv_weights, float_twin  # noqa: E402


def main(src: str, dst: str) -> None:
    model = onnx.load(src)
    onnx.save(float_twin(model, conv_weights(model)), dst)


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
