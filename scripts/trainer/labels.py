"""YOLO label files: one object per line, `class cx cy w h`, normalised to the image (0..1).

Lines with more fields are polygon segments (`class x1 y1 x2 y2 ...`, Ultralytics' segment format); their
bounding box is used. Anything else is an error naming `file:line`.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from .errors import TrainerError

# Tolerance for coordinates written as e.g. 1.0000001 by float formatting.
_EPS = 1e-6


def parse_label_text(text: str, nc: int, where: str) -> np.ndarray:
    """Parses the text of one label file into an array [N, 5] of (class, cx, cy, w, h), normalised."""
    rows: list[list[float]] = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        at = f"{where}:{lineno}"
        fields = line.split()
        if len(fields) < 5 or (len(fields) > 5 and len(fields) % 2 == 0):
            raise TrainerError(
                "LABEL_FIELD_COUNT",
                f"expected 5 fields 'class cx cy w h' (or a polygon 'class x1 y1 x2 y2 x3 y3 ...'), got {len(fields)}",
                at,
            )
        try:
            cls_value = float(fields[0])
        except ValueError:
            raise TrainerError("LABEL_CLASS_INVALID", f"class {fields[0]!r} is not an integer", at) from None
        if not math.isfinite(cls_value) or cls_value != int(cls_value):
            raise TrainerError("LABEL_CLASS_INVALID", f"class {fields[0]!r} is not an integer", at)
        cls = int(cls_value)
        if cls < 0 or cls >= nc:
            raise TrainerError("LABEL_CLASS_OUT_OF_RANGE", f"class {cls} is outside 0..{nc - 1} (the data set has {nc} names)", at)
        values: list[float] = []
        for i, f in enumerate(fields[1:], start=2):
            try:
                v = float(f)
            except ValueError:
                raise TrainerError("LABEL_NOT_A_NUMBER", f"field {i} ({f!r}) is not a number", at) from None
            if not math.isfinite(v):
                raise TrainerError("LABEL_NOT_A_NUMBER", f"field {i} ({f!r}) is not a finite number", at)
            if v < -_EPS or v > 1 + _EPS:
                raise TrainerError("LABEL_COORD_OUT_OF_RANGE", f"field {i} ({f}) is outside 0..1: coordinates must be normalised", at)
            values.append(min(max(v, 0.0), 1.0))
        if len(values) == 4:
            cx, cy, w, h = values
        else:
            xs, ys = values[0::2], values[1::2]
            cx, cy, w, h = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2, max(xs) - min(xs), max(ys) - min(ys)
        if w <= 0 or h <= 0:
            raise TrainerError("LABEL_BOX_EMPTY", f"box has zero or negative size (w={w}, h={h})", at)
        rows.append([float(cls), cx, cy, w, h])
    return np.asarray(rows, dtype=np.float32).reshape(-1, 5)


def read_label_file(path: Path, nc: int) -> np.ndarray:
    """A missing label file means an image without objects."""
    if not path.exists():
        return np.zeros((0, 5), dtype=np.float32)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise TrainerError("LABEL_NOT_TEXT", f"not UTF-8 text (byte {e.start})", str(path)) from None
    return parse_label_text(text, nc, str(path))


def label_path_for(image_path: Path) -> Path:
    """`.../images/<split>/x.jpg` -> `.../labels/<split>/x.txt` (the last `/images/` in the path), as Ultralytics."""
    s = str(image_path)
    sep_images, sep_labels = "/images/", "/labels/"
    i = s.rfind(sep_images)
    if i >= 0:
        s = s[:i] + sep_labels + s[i + len(sep_images):]
    return Path(s).with_suffix(".txt")
