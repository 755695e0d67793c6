"""Training loss, YOLOv8's recipe: BCE on task-aligned soft class targets, CIoU on boxes, distribution focal loss
(Li et al., Generalized Focal Loss, NeurIPS 2020, arXiv:2006.04388) on the side distances; gains 7.5/0.5/1.5."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from .arch import STRIDES
from .assigner import task_aligned_assign
from .boxes import ciou_aligned
from .model import anchor_grid

BOX_GAIN, CLS_GAIN, DFL_GAIN = 7.5, 0.5, 1.5


def flatten_outputs(outs: list[tuple[torch.Tensor, torch.Tensor]]) -> tuple[torch.Tensor, torch.Tensor, list[tuple[int, int]]]:
    """Per-level raw outputs -> distribution logits [B, A, 4*R], class logits [B, A, C], level sizes."""
    sizes = [(b.shape[2], b.shape[3]) for b, _ in outs]
    dist = torch.cat([b.flatten(2) for b, _ in outs], 2).permute(0, 2, 1)
    cls = torch.cat([c.flatten(2) for _, c in outs], 2).permute(0, 2, 1)
    return dist, cls, sizes


def decode_distances(dist_logits: torch.Tensor, reg_max: int) -> torch.Tensor:
    """[B, A, 4*R] -> expected (l, t, r, b) in strides [B, A, 4]."""
    b, a, _ = dist_logits.shape
    proj = torch.arange(reg_max, dtype=dist_logits.dtype)
    return dist_logits.view(b, a, 4, reg_max).softmax(-1) @ proj


def pad_targets(targets: list[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Per-image [n, 5] (class, x1, y1, x2, y2) -> labels [B, M], boxes [B, M, 4], mask [B, M]."""
    m = max((len(t) for t in targets), default=0)
    b = len(targets)
    labels = torch.zeros(b, m, dtype=torch.long)
    boxes = torch.zeros(b, m, 4)
    mask = torch.zeros(b, m, dtype=torch.bool)
    for i, t in enumerate(targets):
        n = len(t)
        if n:
            labels[i, :n] = t[:, 0].long()
            boxes[i, :n] = t[:, 1:5]
            mask[i, :n] = True
    return labels, boxes, mask


def detection_loss(outs: list[tuple[torch.Tensor, torch.Tensor]], targets: list[torch.Tensor], reg_max: int
                   ) -> tuple[torch.Tensor, dict[str, float]]:
    dist_logits, cls_logits, sizes = flatten_outputs(outs)
    anchors, strides = anchor_grid(sizes, dist_logits.dtype)  # grid units, [A, 1]
    ltrb = decode_distances(dist_logits, reg_max)
    pred_boxes = torch.cat([anchors - ltrb[..., :2], anchors + ltrb[..., 2:]], -1) * strides  # pixels
    labels, gt_boxes, mask = pad_targets(targets)
    t_boxes, t_scores, fg = task_aligned_assign(cls_logits.detach().sigmoid(), pred_boxes.detach(), anchors * strides,
                                                strides, labels, gt_boxes, mask)
    norm = t_scores.sum().clamp(min=1)
    loss_cls = F.binary_cross_entropy_with_logits(cls_logits, t_scores, reduction="sum") / norm
    if bool(fg.any()):
        weight = t_scores.sum(-1)[fg]
        iou = ciou_aligned(pred_boxes[fg], t_boxes[fg])
        loss_box = ((1 - iou) * weight).sum() / norm
        st = strides.expand(fg.shape[0], -1, -1)[fg]  # [P, 1]
        anc = anchors.expand(fg.shape[0], -1, -1)[fg]
        tb = t_boxes[fg] / st
        target = torch.cat([anc - tb[:, :2], tb[:, 2:] - anc], -1).clamp(0, reg_max - 1 - 0.01)  # [P, 4]
        loss_dfl = (_dfl(dist_logits[fg].view(-1, reg_max), target.reshape(-1)).view(-1, 4).mean(-1) * weight).sum() / norm
    else:
        loss_box = loss_dfl = cls_logits.sum() * 0
    total = BOX_GAIN * loss_box + CLS_GAIN * loss_cls + DFL_GAIN * loss_dfl
    return total, {"box": float(loss_box), "cls": float(loss_cls), "dfl": float(loss_dfl)}


def _dfl(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Cross-entropy towards the two bins around the continuous target, weighted by proximity."""
    left = target.long()
    wl = (left + 1).to(target.dtype) - target
    return (F.cross_entropy(logits, left, reduction="none") * wl
            + F.cross_entropy(logits, left + 1, reduction="none") * (1 - wl))


__all__ = ["detection_loss", "flatten_outputs", "decode_distances", "STRIDES"]
