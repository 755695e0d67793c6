import unittest

import numpy as np

from scripts.trainer.augment import AugmentConfig, augment_batch


class AugmentKeepsBoxesOnTheirObjects(unittest.TestCase):
    def test_scaled_shifted_flipped_boxes_still_frame_the_bright_square(self) -> None:
        rng = np.random.default_rng(3)
        n, size = 12, 128
        imgs = np.zeros((n, size, size, 3), np.uint8)
        labels = []
        for i in range(n):
            x1, y1 = rng.integers(20, 60, 2)
            imgs[i, y1:y1 + 40, x1:x1 + 30] = 255
            labels.append(np.array([[1, x1, y1, x1 + 30, y1 + 40]], np.float32))
        cfg = AugmentConfig(hue=0, saturation=0, value=0)
        out, targets = augment_batch(imgs, labels, cfg, rng)
        widths = []
        for i in range(n):
            self.assertEqual(len(targets[i]), 1)
            cls, x1, y1, x2, y2 = targets[i][0].tolist()
            self.assertEqual(cls, 1)
            mask = out[i, 0].numpy() > 0.7
            ys, xs = np.nonzero(mask)
            # The bright region's extent agrees with the transformed box to about a pixel (bilinear edges).
            self.assertAlmostEqual(xs.min(), x1, delta=1.5)
            self.assertAlmostEqual(xs.max() + 1, x2, delta=1.5)
            self.assertAlmostEqual(ys.min(), y1, delta=1.5)
            self.assertAlmostEqual(ys.max() + 1, y2, delta=1.5)
            widths.append(x2 - x1)
        self.assertGreater(max(widths) / min(widths), 1.3)  # the scale jitter did act

    def test_boxes_pushed_out_of_view_are_dropped(self) -> None:
        rng = np.random.default_rng(0)
        imgs = np.zeros((1, 64, 64, 3), np.uint8)
        labels = [np.array([[0, 0, 0, 3, 3]], np.float32)]
        cfg = AugmentConfig(scale=0.0, translate=0.0, flip=1.0, hue=0, saturation=0, value=0)
        _, targets = augment_batch(imgs, labels, cfg, rng)
        # 3 px boxes survive a flip (> 2 px a side); now move it to the right edge and back.
        self.assertEqual(targets[0][0, 1:].tolist(), [61.0, 0.0, 64.0, 3.0])
        labels = [np.array([[0, 0, 0, 2, 2]], np.float32)]
        _, targets = augment_batch(imgs, labels, cfg, rng)
        self.assertEqual(len(targets[0]), 0)


if __name__ == "__main__":
    unittest.main()
