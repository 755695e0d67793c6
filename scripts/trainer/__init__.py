"""Lookout's detector trainer (PyTorch): YOLO data sets in, float and int8 QDQ ONNX models out.

Run from the repository root: `/usr/bin/python3 -m scripts.trainer --help`.
"""
