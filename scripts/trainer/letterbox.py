"""Letterbox: scale to fit, centre, pad with grey 114, with the geometry of Ultralytics' `LetterBox`
(auto=False, scaleup=True, center=True): r = min(H/h, W/w); content = round(w*r) x round(h*r); padding split
with round(d - 0.1) before and round(d + 0.1) after. Boxes map with x' = x*r + left, y' = y*r + top.
Resampling is cv2.resize INTER_LINEAR (what Ultralytics' LetterBox and the agent's preprocessing use), so the
model trains on the pixels it will be fed.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

PAD_VALUE = 114


@dataclass(frozen=True)
class Letterbox:
    scale: float
    # Size of the resized content, in output pixels.
    content_w: int
    content_h: int
    left: int
    top: int
    out_w: int
    out_h: int

    def boxes_to_input(self, xyxy: np.ndarray) -> np.ndarray:
        """Source-image pixel boxes [N, 4] -> model-input pixel boxes."""
        out = xyxy.astype(np.float32).copy()
        out[:, [0, 2]] = out[:, [0, 2]] * self.scale + self.left
        out[:, [1, 3]] = out[:, [1, 3]] * self.scale + self.top
        return out

    def boxes_to_source(self, xyxy: np.ndarray) -> np.ndarray:
        out = xyxy.astype(np.float32).copy()
        out[:, [0, 2]] = (out[:, [0, 2]] - self.left) / self.scale
        out[:, [1, 3]] = (out[:, [1, 3]] - self.top) / self.scale
        return out


def letterbox_geometry(src_w: int, src_h: int, out_w: int, out_h: int) -> Letterbox:
    r = min(out_h / src_h, out_w / src_w)
    cw, ch = int(round(src_w * r)), int(round(src_h * r))
    dw, dh = (out_w - cw) / 2, (out_h - ch) / 2
    top, left = int(round(dh - 0.1)), int(round(dw - 0.1))
    return Letterbox(scale=r, content_w=cw, content_h=ch, left=left, top=top, out_w=out_w, out_h=out_h)


def letterbox_image(img: Image.Image, out_w: int, out_h: int) -> tuple[np.ndarray, Letterbox]:
    """RGB PIL image -> (uint8 array [out_h, out_w, 3], geometry)."""
    geo = letterbox_geometry(img.width, img.height, out_w, out_h)
    src = np.asarray(img, dtype=np.uint8)
    if (geo.content_w, geo.content_h) != (img.width, img.height):
        src = resize_linear(src, geo.content_w, geo.content_h)
    canvas = np.full((out_h, out_w, 3), PAD_VALUE, dtype=np.uint8)
    canvas[geo.top:geo.top + geo.content_h, geo.left:geo.left + geo.content_w] = src
    return canvas, geo


def _taps(src: int, dst: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """cv2 INTER_LINEAR taps: f = (d + 0.5) * src/dst - 0.5, left tap floor(f), weight f - floor(f), clamped at
    the borders as opencv modules/imgproc/src/resize.cpp does (weight 0 at either end)."""
    f = (np.arange(dst, dtype=np.float64) + 0.5) * (src / dst) - 0.5
    i0 = np.floor(f).astype(np.int64)
    w = f - i0
    low, high = i0 < 0, i0 >= src - 1
    i0 = np.where(low, 0, np.where(high, src - 1, i0))
    w = np.where(low | high, 0.0, w)
    return i0, np.minimum(i0 + 1, src - 1), w


def resize_linear(img: np.ndarray, out_w: int, out_h: int) -> np.ndarray:
    """uint8 [h, w, c] -> uint8 [out_h, out_w, c], bilinear with half-pixel centres and no antialiasing."""
    h, w = img.shape[:2]
    y0, y1, wy = _taps(h, out_h)
    x0, x1, wx = _taps(w, out_w)
    a = img.astype(np.float32)
    wy32, wx32 = wy.astype(np.float32)[:, None, None], wx.astype(np.float32)[None, :, None]
    rows = a[y0] * (1 - wy32) + a[y1] * wy32
    out = rows[:, x0] * (1 - wx32) + rows[:, x1] * wx32
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)
