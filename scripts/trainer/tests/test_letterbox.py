import unittest

import numpy as np
from PIL import Image

from scripts.trainer.letterbox import PAD_VALUE, letterbox_geometry, letterbox_image, resize_linear


class LetterboxGeometry(unittest.TestCase):
    def test_landscape_frame_is_scaled_to_width_and_centred_vertically(self) -> None:
        g = letterbox_geometry(640, 480, 256, 256)
        self.assertAlmostEqual(g.scale, 0.4)
        self.assertEqual((g.content_w, g.content_h, g.left, g.top), (256, 192, 0, 32))

    def test_odd_padding_puts_the_extra_pixel_after_the_content(self) -> None:
        # 100x51 -> 64: r = 0.64, content 64 x round(32.64) = 33, padding 31 -> 15 before, 16 after.
        g = letterbox_geometry(100, 51, 64, 64)
        self.assertEqual((g.content_w, g.content_h, g.left, g.top), (64, 33, 0, 15))

    def test_small_images_are_scaled_up(self) -> None:
        g = letterbox_geometry(32, 64, 128, 128)
        self.assertEqual((g.scale, g.content_w, g.content_h, g.left, g.top), (2.0, 64, 128, 32, 0))

    def test_boxes_map_to_the_input_and_back(self) -> None:
        g = letterbox_geometry(640, 480, 320, 320)
        src = np.array([[0, 0, 640, 480], [100, 50, 200, 150]], np.float32)
        dst = g.boxes_to_input(src)
        np.testing.assert_allclose(dst[0], [0, 40, 320, 280])
        np.testing.assert_allclose(dst[1], [50, 65, 100, 115])
        np.testing.assert_allclose(g.boxes_to_source(dst), src, atol=1e-4)

    def test_image_content_lands_inside_grey_114_bands(self) -> None:
        img = Image.fromarray(np.full((48, 96, 3), 250, np.uint8))
        arr, g = letterbox_image(img, 64, 64)
        self.assertEqual(arr.shape, (64, 64, 3))
        self.assertEqual((g.top, g.content_h), (16, 32))
        self.assertTrue((arr[:16] == PAD_VALUE).all() and (arr[48:] == PAD_VALUE).all())
        self.assertTrue((arr[16:48] == 250).all())


class ResizeLikeCv2InterLinear(unittest.TestCase):
    def test_halving_averages_pixel_pairs(self) -> None:
        row = np.array([[[0], [100], [200], [50]]], np.uint8)  # 1 x 4 x 1
        out = resize_linear(np.repeat(row, 2, axis=0), 2, 1)
        self.assertEqual(out[:, :, 0].tolist(), [[50, 125]])

    def test_enlarging_clamps_at_the_borders(self) -> None:
        # 2 -> 4: f = -0.25, 0.25, 0.75, 1.25 -> [a, 0.75a + 0.25b, 0.25a + 0.75b, b] (ends clamped, weight 0).
        img = np.array([[[0], [200]]], np.uint8)
        out = resize_linear(img, 4, 1)
        self.assertEqual(out[0, :, 0].tolist(), [0, 50, 150, 200])

    def test_no_antialiasing_when_shrinking_by_four(self) -> None:
        # 8 -> 2: f = 1.5 and 5.5: only pixels 1, 2 and 5, 6 contribute (cv2 INTER_LINEAR, not INTER_AREA).
        img = np.array([[[v] for v in (255, 10, 30, 255, 255, 40, 60, 255)]], np.uint8)
        out = resize_linear(img, 2, 1)
        self.assertEqual(out[0, :, 0].tolist(), [20, 50])


if __name__ == "__main__":
    unittest.main()
