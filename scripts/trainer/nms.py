"""Post-processing of `output0` ([4+nc, A]: cx, cy, w, h, scores) into detections, as Ultralytics' validator:
every (anchor, class) pair above `conf` is a candidate (multi-label), the 30000 best go to class-aware greedy NMS,
at most `max_det` survive."""
from __future__ import annotations

import numpy as np

from .boxes import iou_matrix_np

MAX_NMS = 30000
# Class offset for class-aware NMS in one pass (Ultralytics' max_wh).
CLASS_OFFSET = 7680.0


def postprocess(out: np.ndarray, conf: float = 0.001, iou: float = 0.7, max_det: int = 300,
                multi_label: bool = True) -> np.ndarray:
    """out [4+nc, A] -> [N, 6] (x1, y1, x2, y2, score, class), by descending score."""
    box = out[:4].T
    scores = out[4:].T  # [A, nc]
    xyxy = np.concatenate([box[:, :2] - box[:, 2:] / 2, box[:, :2] + box[:, 2:] / 2], 1)
    if multi_label:
        ai, ci = np.nonzero(scores > conf)
        sc = scores[ai, ci]
    else:
        ci = scores.argmax(1)
        sc = scores[np.arange(len(ci)), ci]
        ai = np.nonzero(sc > conf)[0]
        ci, sc = ci[ai], sc[ai]
    if len(sc) == 0:
        return np.zeros((0, 6), np.float32)
    order = np.argsort(-sc, kind="stable")[:MAX_NMS]
    ai, ci, sc = ai[order], ci[order], sc[order]
    boxes = xyxy[ai]
    keep = greedy_nms(boxes + (ci * CLASS_OFFSET)[:, None], iou, max_det)
    return np.concatenate([boxes[keep], sc[keep, None], ci[keep, None].astype(np.float32)], 1).astype(np.float32)


def greedy_nms(boxes: np.ndarray, iou: float, max_det: int) -> np.ndarray:
    """Boxes sorted by descending score -> kept indices. Stops after max_det, so the loop is bounded."""
    remaining = np.arange(len(boxes))
    keep: list[int] = []
    while len(remaining) and len(keep) < max_det:
        i = remaining[0]
        keep.append(int(i))
        if len(remaining) == 1:
            break
        rest = remaining[1:]
        ov = iou_matrix_np(boxes[i:i + 1], boxes[rest])[0]
        remaining = rest[ov <= iou]
    return np.asarray(keep, dtype=np.int64)
