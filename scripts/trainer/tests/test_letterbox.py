import unittest

import numpy as np
from PIL import Image

from scripts.trainer.letterbox import PAD_VALUE, letterbox_geometry, letterbox_image


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


if __name__ == "__main__":
    unittest.main()
