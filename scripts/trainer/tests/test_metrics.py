import unittest

import numpy as np

from scripts.trainer.metrics import Accumulator, average_precision, match_predictions
from scripts.trainer.nms import postprocess


def gt(*rows: tuple[float, ...]) -> np.ndarray:
    return np.array(rows, np.float32).reshape(-1, 5)


def pred(*rows: tuple[float, ...]) -> np.ndarray:
    return np.array(rows, np.float32).reshape(-1, 6)


class Metrics(unittest.TestCase):
    def test_perfect_predictions_score_0_995_as_in_ultralytics(self) -> None:
        # The curve is closed with (recall 1, precision 0); interpolating between the duplicate recall-1 points
        # loses the last 1/100 step's half: Ultralytics reports 0.995 for perfect predictions too.
        acc = Accumulator(nc=2)
        acc.add(pred((10, 10, 50, 50, 0.9, 0), (60, 60, 90, 100, 0.8, 1)), gt((0, 10, 10, 50, 50), (1, 60, 60, 90, 100)))
        res = acc.result(["a", "b"])
        self.assertAlmostEqual(res["map50"], 0.995, places=6)
        self.assertAlmostEqual(res["map50_95"], 0.995, places=6)

    def test_a_confident_false_positive_halves_precision_at_the_first_recall(self) -> None:
        # Ranked: FP (0.9) then TP (0.8): precision 0 then 0.5 at recall 1 -> envelope 0.5 -> AP 0.5 less the
        # closing half step (0.5 * 0.005).
        acc = Accumulator(nc=1)
        acc.add(pred((200, 200, 240, 240, 0.9, 0), (10, 10, 50, 50, 0.8, 0)), gt((0, 10, 10, 50, 50)))
        self.assertAlmostEqual(acc.result(["a"])["map50"], 0.4975, places=6)

    def test_wrong_class_never_matches(self) -> None:
        c = match_predictions(np.array([[10, 10, 50, 50]], np.float32), np.array([1.0]),
                              np.array([[10, 10, 50, 50]], np.float32), np.array([0.0]))
        self.assertFalse(c.any())

    def test_iou_thresholds_are_counted_separately(self) -> None:
        # IoU of [0,0,10,10] and [0,0,10,8] is 0.8: correct at 0.50..0.80, not at 0.85..0.95.
        c = match_predictions(np.array([[0, 0, 10, 8]], np.float32), np.array([0.0]),
                              np.array([[0, 0, 10, 10]], np.float32), np.array([0.0]))
        self.assertEqual(c[0].tolist(), [True] * 7 + [False] * 3)

    def test_one_box_matches_one_prediction(self) -> None:
        c = match_predictions(np.array([[0, 0, 10, 10], [0, 0, 10, 10]], np.float32), np.array([0.0, 0.0]),
                              np.array([[0, 0, 10, 10]], np.float32), np.array([0.0]))
        self.assertEqual(c[:, 0].tolist(), [True, False])

    def test_ap_integrates_the_101_point_envelope(self) -> None:
        # Recall stops at 0.5 with precision 1: the envelope falls linearly to (1, 0): 0.5 + 0.25.
        self.assertAlmostEqual(average_precision(np.array([0.5]), np.array([1.0])), 0.75, places=6)
        # The curve starts at (0, 1): 1 -> 0.5 over recall 0..0.2 (0.15), then 0.5 up to 1 (0.4), less 0.0025.
        self.assertAlmostEqual(average_precision(np.array([0.2, 1.0]), np.array([0.5, 0.5])), 0.5475, places=6)

    def test_postprocess_suppresses_same_class_overlaps_only(self) -> None:
        # Three anchors: two overlapping boxes of class 0, one overlapping box of class 1.
        out = np.zeros((4 + 2, 3), np.float32)
        out[:4, 0] = [50, 50, 40, 40]
        out[:4, 1] = [52, 50, 40, 40]
        out[:4, 2] = [50, 52, 40, 40]
        out[4, :2] = [0.9, 0.8]
        out[5, 2] = 0.7
        det = postprocess(out, conf=0.25, iou=0.7)
        self.assertEqual(det[:, 5].tolist(), [0, 1])
        np.testing.assert_allclose(det[0, :5], [30, 30, 70, 70, 0.9], rtol=1e-6)


if __name__ == "__main__":
    unittest.main()
