"""Letterbox: scale to fit, centre, pad with grey 114, with the geometry of Ultralytics' `LetterBox`
(auto=False, scaleup=True, center=True): r = min(H/h, W/w); content = round(w*r) x round(h*r); padding split
with round(d - 0.1) before and round(d + 0.1) after. Boxes map with x' = x*r + left, y' = y*r + top.
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
    """RGB PIL image -> (uint8 array [out_h, out_w, 3], geometry). Bilinear resampling (PIL, antialiased)."""
    geo = letterbox_geometry(img.width, img.height, out_w, out_h)
    if (geo.content_w, geo.content_h) != (img.width, img.height):
        img = img.resize((geo.content_w, geo.content_h), Image.BILINEAR)
    canvas = np.full((out_h, out_w, 3), PAD_VALUE, dtype=np.uint8)
    canvas[geo.top:geo.top + geo.content_h, geo.left:geo.left + geo.content_w] = np.asarray(img, dtype=np.uint8)
    return canvas, geo
