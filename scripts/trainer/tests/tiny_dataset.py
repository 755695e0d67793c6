"""A tiny YOLO data set drawn on the fly: coloured rectangles (class 0) and ellipses (class 1) on noise."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

NAMES = ["box", "disc"]


def make_tiny_dataset(root: Path, n_train: int = 24, n_val: int = 8, size: tuple[int, int] = (96, 96),
                      seed: int = 0, names: list[str] | None = None) -> Path:
    """Writes images/{train,val}/*.{png,jpg}, labels/{train,val}/*.txt and data.yaml; returns the YAML path.
    The last image of each split shows no object and has no label file (a missing label means no objects)."""
    rng = np.random.default_rng(seed)
    w, h = size
    for split, count in (("train", n_train), ("val", n_val)):
        (root / "images" / split).mkdir(parents=True, exist_ok=True)
        (root / "labels" / split).mkdir(parents=True, exist_ok=True)
        for i in range(count):
            im = Image.fromarray(rng.integers(40, 90, (h, w, 3), dtype=np.uint8))
            draw = ImageDraw.Draw(im)
            lines = []
            for _ in range(int(rng.integers(1, 3)) if i != count - 1 else 0):
                cls = int(rng.integers(0, 2))
                bw, bh = rng.uniform(0.25, 0.5) * w, rng.uniform(0.25, 0.5) * h
                x1, y1 = rng.uniform(0, w - bw), rng.uniform(0, h - bh)
                colour = (220, 60, 60) if cls == 0 else (60, 200, 240)
                (draw.rectangle if cls == 0 else draw.ellipse)([x1, y1, x1 + bw, y1 + bh], fill=colour)
                lines.append(f"{cls} {(x1 + bw / 2) / w:.6f} {(y1 + bh / 2) / h:.6f} {bw / w:.6f} {bh / h:.6f}")
            im.save(root / "images" / split / f"{i:03d}.{'png' if i % 2 == 0 else 'jpg'}")
            if lines:
                (root / "labels" / split / f"{i:03d}.txt").write_text("\n".join(lines) + "\n")
    yaml_path = root / "data.yaml"
    yaml_path.write_text("path: .\ntrain: images/train\nval: images/val\nnames:\n" +
                         "".join(f"  {i}: {n}\n" for i, n in enumerate(names or NAMES)))
    return yaml_path
