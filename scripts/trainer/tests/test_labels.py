import tempfile
import unittest
from pathlib import Path

import numpy as np

from scripts.trainer.errors import TrainerError
from scripts.trainer.labels import label_path_for, parse_label_text, read_label_file
from scripts.trainer.tests.helpers import run_cli
from scripts.trainer.tests.tiny_dataset import make_tiny_dataset


class LabelParsing(unittest.TestCase):
    def test_good_lines_parse_to_class_and_normalised_box(self) -> None:
        arr = parse_label_text("0 0.5 0.5 0.2 0.4\n\n1 0.25 0.75 0.1 0.1\n", nc=2, where="x.txt")
        np.testing.assert_allclose(arr, [[0, 0.5, 0.5, 0.2, 0.4], [1, 0.25, 0.75, 0.1, 0.1]], rtol=1e-6)

    def test_polygon_line_becomes_its_bounding_box(self) -> None:
        arr = parse_label_text("1 0.1 0.2 0.5 0.2 0.3 0.6\n", nc=2, where="x.txt")
        np.testing.assert_allclose(arr, [[1, 0.3, 0.4, 0.4, 0.4]], rtol=1e-6)

    def test_each_malformed_line_names_file_line_and_code(self) -> None:
        cases = {
            "0 0.5 0.5 0.2": "LABEL_FIELD_COUNT",
            "0 0.5 0.5 0.2 0.2 0.3": "LABEL_FIELD_COUNT",
            "zero 0.5 0.5 0.2 0.2": "LABEL_CLASS_INVALID",
            "1.5 0.5 0.5 0.2 0.2": "LABEL_CLASS_INVALID",
            "2 0.5 0.5 0.2 0.2": "LABEL_CLASS_OUT_OF_RANGE",
            "-1 0.5 0.5 0.2 0.2": "LABEL_CLASS_OUT_OF_RANGE",
            "0 0.5 abc 0.2 0.2": "LABEL_NOT_A_NUMBER",
            "0 0.5 nan 0.2 0.2": "LABEL_NOT_A_NUMBER",
            "0 0.5 0.5 1.2 0.2": "LABEL_COORD_OUT_OF_RANGE",
            "0 320 240 50 60": "LABEL_COORD_OUT_OF_RANGE",
            "0 0.5 0.5 0 0.2": "LABEL_BOX_EMPTY",
        }
        for line, code in cases.items():
            with self.subTest(line=line):
                with self.assertRaises(TrainerError) as ctx:
                    parse_label_text(f"0 0.5 0.5 0.1 0.1\n{line}\n", nc=2, where="labels/a.txt")
                self.assertEqual(ctx.exception.code, code)
                self.assertEqual(ctx.exception.where, "labels/a.txt:2")

    def test_missing_label_file_means_no_objects(self) -> None:
        self.assertEqual(read_label_file(Path("/nonexistent/labels/x.txt"), 3).shape, (0, 5))

    def test_label_path_replaces_the_last_images_folder_and_the_extension(self) -> None:
        self.assertEqual(label_path_for(Path("/d/images/x/images/train/a.b.JPG")), Path("/d/images/x/labels/train/a.b.txt"))

    def test_train_on_a_malformed_label_exits_2_naming_file_and_line(self) -> None:
        with tempfile.TemporaryDirectory() as d:
            yaml_path = make_tiny_dataset(Path(d), n_train=4, n_val=2)
            bad = Path(d) / "labels" / "train" / "001.txt"
            bad.write_text("0 0.5 0.5 0.2 0.2\n1 0.5 0.5 0.2\n")
            proc = run_cli("train", "--data", str(yaml_path), "--out", str(Path(d) / "run"), "--imgsz", "64", "--epochs", "1")
            self.assertEqual(proc.returncode, 2, proc.stderr)
            self.assertIn(f"{bad}:2", proc.stderr)
            self.assertIn("[LABEL_FIELD_COUNT]", proc.stderr)


if __name__ == "__main__":
    unittest.main()
