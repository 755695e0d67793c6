import unittest

import torch

from scripts.trainer.assigner import task_aligned_assign
from scripts.trainer.model import anchor_grid


class TaskAlignedAssignment(unittest.TestCase):
    def setUp(self) -> None:
        pts, strides = anchor_grid([(8, 8), (4, 4), (2, 2)])  # a 64x64 input
        self.anchors, self.strides = pts * strides, strides
        self.a = len(pts)

    def assign(self, boxes: list[list[float]], labels: list[int], pred: torch.Tensor | None = None):  # type: ignore[no-untyped-def]
        scores = torch.full((1, self.a, 2), 0.5)
        if pred is None:
            # Every anchor predicts a 16x16 box around itself.
            pred = torch.cat([self.anchors - 8, self.anchors + 8], -1)[None]
        gt = torch.tensor([boxes], dtype=torch.float32)
        return task_aligned_assign(scores, pred, self.anchors, self.strides, torch.tensor([labels]), gt,
                                   torch.ones(1, len(boxes), dtype=torch.bool))

    def test_positives_lie_inside_their_box_and_carry_its_class_and_box(self) -> None:
        t_boxes, t_scores, fg = self.assign([[8, 8, 40, 40]], [1])
        self.assertGreater(int(fg.sum()), 0)
        self.assertLessEqual(int(fg.sum()), 10)
        pos = self.anchors[fg[0]]
        self.assertTrue(bool(((pos >= 8) & (pos <= 40)).all()))
        self.assertTrue(torch.equal(t_boxes[0, fg[0]], torch.tensor([[8.0, 8, 40, 40]]).expand(int(fg.sum()), 4)))
        self.assertTrue(bool((t_scores[0, fg[0], 1] > 0).all()) and bool((t_scores[0, :, 0] == 0).all()))
        self.assertTrue(bool((t_scores[0, ~fg[0]] == 0).all()))

    def test_a_box_thinner_than_the_anchor_spacing_still_gets_positives(self) -> None:
        # x 9..11 holds no stride-8 anchor centre (4, 12, ...); the centre cell's anchor takes it.
        _, _, fg = self.assign([[9, 20, 11, 40]], [0])
        self.assertGreater(int(fg.sum()), 0)
        xs = self.anchors[fg[0], 0]
        self.assertTrue(bool(((xs - 10).abs() <= self.strides[fg[0], 0] / 2).all()))

    def test_an_anchor_in_two_boxes_goes_to_the_one_it_predicts_best(self) -> None:
        big, small = [0, 0, 64, 64], [8, 8, 24, 24]
        _, t_scores, fg = self.assign([big, small], [0, 1])
        # The stride-8 anchor at (12, 12) predicts [4, 4, 20, 20]: IoU with the small box 0.39, with the big one 0.06.
        i = int(((self.anchors[:, 0] == 12) & (self.anchors[:, 1] == 12) & (self.strides[:, 0] == 8)).nonzero()[0, 0])
        self.assertTrue(bool(fg[0, i]))
        self.assertGreater(float(t_scores[0, i, 1]), 0)
        self.assertEqual(float(t_scores[0, i, 0]), 0.0)


if __name__ == "__main__":
    unittest.main()
