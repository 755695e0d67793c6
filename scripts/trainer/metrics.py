"""Detection metrics as Ultralytics' validator computes them: predictions matched to ground truth at IoU
thresholds 0.50:0.05:0.95 (per threshold, highest IoU first, one match per prediction and per box), then per
class a precision/recall curve over descending confidence and AP = the integral of the monotone precision
envelope sampled at 101 recall points (np.trapz over linspace(0, 1, 101))."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .boxes import iou_matrix_np

IOU_THRESHOLDS = np.linspace(0.5, 0.95, 10)


def match_predictions(pred_boxes: np.ndarray, pred_cls: np.ndarray, gt_boxes: np.ndarray, gt_cls: np.ndarray
                      ) -> np.ndarray:
    """-> correct [N_pred, 10] bool. Predictions are in descending confidence order."""
    correct = np.zeros((len(pred_boxes), len(IOU_THRESHOLDS)), dtype=bool)
    if len(pred_boxes) == 0 or len(gt_boxes) == 0:
        return correct
    iou = iou_matrix_np(gt_boxes, pred_boxes) * (gt_cls[:, None] == pred_cls[None, :])
    for j, t in enumerate(IOU_THRESHOLDS):
        gi, pi = np.nonzero(iou >= t)
        if len(gi) == 0:
            continue
        order = np.argsort(-iou[gi, pi], kind="stable")
        gi, pi = gi[order], pi[order]
        # One match per prediction (its best box), then one per box (its first remaining prediction).
        _, first = np.unique(pi, return_index=True)
        gi, pi = gi[first], pi[first]
        _, first = np.unique(gi, return_index=True)
        correct[pi[first], j] = True
    return correct


def average_precision(recall: np.ndarray, precision: np.ndarray) -> float:
    mrec = np.concatenate([[0.0], recall, [1.0]])
    mpre = np.concatenate([[1.0], precision, [0.0]])
    mpre = np.flip(np.maximum.accumulate(np.flip(mpre)))
    x = np.linspace(0, 1, 101)
    return float(np.trapz(np.interp(x, mrec, mpre), x))


@dataclass
class Accumulator:
    nc: int
    correct: list[np.ndarray] = field(default_factory=list)
    conf: list[np.ndarray] = field(default_factory=list)
    pred_cls: list[np.ndarray] = field(default_factory=list)
    gt_cls: list[np.ndarray] = field(default_factory=list)

    def add(self, pred: np.ndarray, gt: np.ndarray) -> None:
        """pred [N, 6] (x1, y1, x2, y2, conf, class) by descending conf; gt [M, 5] (class, x1, y1, x2, y2)."""
        self.correct.append(match_predictions(pred[:, :4], pred[:, 5], gt[:, 1:5], gt[:, 0]))
        self.conf.append(pred[:, 4])
        self.pred_cls.append(pred[:, 5])
        self.gt_cls.append(gt[:, 0])

    def result(self, names: list[str]) -> dict:
        tp = np.concatenate(self.correct) if self.correct else np.zeros((0, 10), bool)
        conf = np.concatenate(self.conf) if self.conf else np.zeros(0)
        pcls = np.concatenate(self.pred_cls) if self.pred_cls else np.zeros(0)
        gcls = np.concatenate(self.gt_cls) if self.gt_cls else np.zeros(0)
        order = np.argsort(-conf, kind="stable")
        tp, conf, pcls = tp[order], conf[order], pcls[order]
        classes = np.unique(gcls).astype(int)
        ap = np.zeros((len(classes), len(IOU_THRESHOLDS)))
        per_class = {}
        for k, c in enumerate(classes):
            sel = pcls == c
            n_gt = int((gcls == c).sum())
            n_pred = int(sel.sum())
            if n_pred and n_gt:
                tpc = np.cumsum(tp[sel], 0)
                fpc = np.cumsum(~tp[sel], 0)
                recall = tpc / (n_gt + 1e-16)
                precision = tpc / (tpc + fpc)
                for j in range(len(IOU_THRESHOLDS)):
                    ap[k, j] = average_precision(recall[:, j], precision[:, j])
            per_class[names[c] if c < len(names) else str(c)] = {
                "instances": n_gt, "ap50": round(float(ap[k, 0]), 5), "ap50_95": round(float(ap[k].mean()), 5)}
        return {
            "map50": float(ap[:, 0].mean()) if len(classes) else 0.0,
            "map50_95": float(ap.mean()) if len(classes) else 0.0,
            "instances": int(len(gcls)),
            "per_class": per_class,
        }
