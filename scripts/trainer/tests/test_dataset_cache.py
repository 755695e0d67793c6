import tempfile
import unittest
from pathlib import Path

import numpy as np
from PIL import Image

from scripts.trainer.data_yaml import load_data_yaml
from scripts.trainer.dataset import load_split
from scripts.trainer.errors import TrainerError


class DatasetCache(unittest.TestCase):
    def make(self, d: Path) -> Path:
        for split in ("train", "val"):
            (d / "images" / split).mkdir(parents=True)
            (d / "labels" / split).mkdir(parents=True)
        img = np.zeros((48, 96, 3), np.uint8)  # 96 wide, 48 high
        img[12:36, 24:48] = 255
        Image.fromarray(img).save(d / "images" / "train" / "a.png")
        (d / "labels" / "train" / "a.txt").write_text("1 0.375 0.5 0.25 0.5\n")
        Image.fromarray(img).save(d / "images" / "train" / "b.png")  # no label file
        (d / "data.yaml").write_text("train: images/train\nval: images/train\nnames: [a, b]\n")
        return d / "data.yaml"

    def test_labels_are_mapped_into_the_letterboxed_input(self) -> None:
        with tempfile.TemporaryDirectory() as d:
            split = load_split(load_data_yaml(self.make(Path(d))), "train", (64, 64), progress=False)
            # r = 64/96: content 64 x 32, top 16. The white square 24..48 x 12..36 -> 16..32 x 24..40.
            self.assertEqual(split.images.shape, (2, 64, 64, 3))
            np.testing.assert_allclose(split.labels[0], [[1, 16, 24, 32, 40]], atol=1e-4)
            ys, xs = np.nonzero(split.images[0, :, :, 0] > 200)
            self.assertEqual((xs.min(), xs.max() + 1, ys.min(), ys.max() + 1), (16, 32, 24, 40))
            self.assertEqual(split.labels[1].shape, (0, 5))
            self.assertEqual(split.summary()["missing_label_files"], 1)
            self.assertEqual(split.source_sizes, [(96, 48), (96, 48)])

    def test_an_undecodable_image_is_named(self) -> None:
        with tempfile.TemporaryDirectory() as d:
            yaml_path = self.make(Path(d))
            bad = Path(d) / "images" / "train" / "c.jpg"
            bad.write_bytes(b"not a jpeg")
            with self.assertRaises(TrainerError) as ctx:
                load_split(load_data_yaml(yaml_path), "train", (64, 64), progress=False)
            self.assertEqual((ctx.exception.code, ctx.exception.where), ("IMAGE_UNREADABLE", str(bad)))


if __name__ == "__main__":
    unittest.main()
