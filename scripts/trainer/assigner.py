"""Task-aligned assignment (TOOD, Feng et al., ICCV 2021, arXiv:2108.07755), as YOLOv8 trains with it.

For each ground-truth box, the anchors whose centres lie inside it are ranked by the alignment metric
score^alpha * IoU^beta of their current prediction; the top k become positives. Unlike YOLOv8, the anchor of the
cell holding the box centre is a candidate on every level even when the box is too thin to contain an anchor
centre: at stride 8 a 4-pixel-wide person contains one only half of the time, and would otherwise never be
learned. An anchor claimed by several
boxes keeps the one it overlaps most. Class targets are the alignment metric, rescaled per box so that its best
anchor gets that anchor's IoU (a soft, quality-aware target).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from .boxes import iou_aligned


@torch.no_grad()
def task_aligned_assign(
    scores: torch.Tensor,      # [B, A, C] predicted probabilities
    pred_boxes: torch.Tensor,  # [B, A, 4] predicted xyxy, pixels
    anchors: torch.Tensor,     # [A, 2] anchor centres, pixels
    strides: torch.Tensor,     # [A, 1] stride of each anchor's level
    gt_labels: torch.Tensor,   # [B, M] long
    gt_boxes: torch.Tensor,    # [B, M, 4] xyxy, pixels
    gt_mask: torch.Tensor,     # [B, M] bool (padding is False)
    topk: int = 10,
    alpha: float = 0.5,
    beta: float = 6.0,
    eps: float = 1e-9,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Returns target boxes [B, A, 4], target scores [B, A, C] and the foreground mask [B, A]."""
    b, a, c = scores.shape
    m = gt_boxes.shape[1]
    if m == 0:
        return torch.zeros_like(pred_boxes), torch.zeros_like(scores), torch.zeros(b, a, dtype=torch.bool)
    xy = anchors[None, None]
    inside = torch.cat([xy - gt_boxes[:, :, None, :2], gt_boxes[:, :, None, 2:] - xy], -1).amin(-1) > eps
    centre = (gt_boxes[:, :, None, :2] + gt_boxes[:, :, None, 2:]) / 2
    in_centre_cell = ((xy - centre).abs() <= strides[None, None] / 2).all(-1)
    inside = inside | in_centre_cell
    valid = inside & gt_mask[..., None]  # [B, M, A]
    labels = gt_labels.clamp(min=0)
    cls_scores = scores.gather(2, labels[:, None, :].expand(b, a, m)).permute(0, 2, 1)  # [B, M, A]
    ious = iou_aligned(gt_boxes[:, :, None, :], pred_boxes[:, None, :, :]).clamp(min=0) * valid
    align = cls_scores.pow(alpha) * ious.pow(beta) * valid
    k = min(topk, a)
    top = align.topk(k, dim=-1).indices
    pos = torch.zeros_like(valid).scatter_(-1, top, True) & valid
    # An anchor inside several boxes belongs to the one it overlaps most.
    multi = pos.sum(1) > 1
    if bool(multi.any()):
        best = F.one_hot(ious.argmax(1), m).permute(0, 2, 1).bool()
        pos = torch.where(multi[:, None, :], best & valid, pos)
    fg = pos.any(1)
    gt_idx = pos.float().argmax(1)  # [B, A]
    target_labels = labels.gather(1, gt_idx)
    target_boxes = gt_boxes.gather(1, gt_idx[..., None].expand(b, a, 4))
    align = align * pos
    norm = (align * (ious * pos).amax(-1, keepdim=True) / (align.amax(-1, keepdim=True) + eps)).amax(1)  # [B, A]
    target_scores = F.one_hot(target_labels, c).to(scores.dtype) * (norm * fg)[..., None]
    return target_boxes, target_scores, fg
