"""A split of a YOLO data set decoded once, letterboxed to the model input and kept in memory as uint8."""
from __future__ import annotations

import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from .data_yaml import DataSpec
from .errors import TrainerError
from .labels import label_path_for, read_label_file
from .letterbox import letterbox_image


@dataclass
class CachedSplit:
    split: str
    files: list[Path]
    # [N, H, W, 3] uint8, RGB, letterboxed to (H, W).
    images: np.ndarray
    # Per image: [n, 5] float32 (class, x1, y1, x2, y2) in model-input pixels.
    labels: list[np.ndarray]
    # Per image: original (width, height).
    source_sizes: list[tuple[int, int]]
    missing_labels: int = 0
    names: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.files)

    def summary(self) -> dict:
        counts = np.zeros(len(self.names), dtype=np.int64)
        for lb in self.labels:
            if len(lb):
                counts += np.bincount(lb[:, 0].astype(np.int64), minlength=len(self.names))
        return {
            "images": len(self.files),
            "instances": int(counts.sum()),
            "instances_per_class": {n: int(c) for n, c in zip(self.names, counts)},
            "images_without_labels": int(sum(1 for lb in self.labels if len(lb) == 0)),
            "missing_label_files": self.missing_labels,
        }


def _load_one(path: Path, nc: int, imgsz: tuple[int, int]) -> tuple[np.ndarray, np.ndarray, tuple[int, int], bool]:
    try:
        with Image.open(path) as im:
            im = ImageOps.exif_transpose(im)
            rgb = im.convert("RGB")
    except (UnidentifiedImageError, OSError) as e:
        raise TrainerError("IMAGE_UNREADABLE", f"cannot decode image: {e}", str(path)) from None
    lp = label_path_for(path)
    raw = read_label_file(lp, nc)
    arr, geo = letterbox_image(rgb, imgsz[1], imgsz[0])
    w, h = rgb.width, rgb.height
    xyxy = np.stack(
        [(raw[:, 1] - raw[:, 3] / 2) * w, (raw[:, 2] - raw[:, 4] / 2) * h,
         (raw[:, 1] + raw[:, 3] / 2) * w, (raw[:, 2] + raw[:, 4] / 2) * h], axis=1,
    ) if len(raw) else np.zeros((0, 4), np.float32)
    xyxy = np.clip(xyxy, 0, [w, h, w, h])
    boxes = geo.boxes_to_input(xyxy)
    labels = np.concatenate([raw[:, :1], boxes], axis=1).astype(np.float32)
    return arr, labels, (w, h), not lp.exists()


def load_split(spec: DataSpec, split: str, imgsz: tuple[int, int], limit: int | None = None,
               threads: int = 2, progress: bool = True, stride: int = 1) -> CachedSplit:
    """Decodes and letterboxes every image of `split` (every `stride`-th one, at most `limit`)."""
    files = spec.image_files(split)[::stride]
    if limit is not None:
        files = files[:limit]
    h, w = imgsz
    images = np.empty((len(files), h, w, 3), dtype=np.uint8)
    labels: list[np.ndarray] = [np.zeros((0, 5), np.float32)] * len(files)
    sizes: list[tuple[int, int]] = [(0, 0)] * len(files)
    missing = 0
    t0 = time.monotonic()
    last = t0

    def work(i: int) -> tuple[int, tuple[np.ndarray, np.ndarray, tuple[int, int], bool]]:
        return i, _load_one(files[i], spec.nc, imgsz)

    # PIL releases the GIL while decoding and resizing, so threads overlap the work.
    with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
        for done, (i, (arr, lb, size, miss)) in enumerate(pool.map(work, range(len(files))), start=1):
            images[i] = arr
            labels[i] = lb
            sizes[i] = size
            missing += int(miss)
            now = time.monotonic()
            if progress and (now - last > 2 or done == len(files)):
                last = now
                print(f"caching {split}: {done}/{len(files)} images ({now - t0:.1f}s)", file=sys.stderr, flush=True)
    return CachedSplit(split=split, files=files, images=images, labels=labels, source_sizes=sizes,
                       missing_labels=missing, names=list(spec.names))
