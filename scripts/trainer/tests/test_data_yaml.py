import tempfile
import unittest
from pathlib import Path

from scripts.trainer.data_yaml import load_data_yaml
from scripts.trainer.errors import TrainerError


class DataYaml(unittest.TestCase):
    def write(self, d: str, text: str) -> Path:
        p = Path(d) / "sub" / "data.yaml"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
        return p

    def test_names_as_list_or_mapping_and_relative_path(self) -> None:
        with tempfile.TemporaryDirectory() as d:
            (Path(d) / "set" / "images" / "train").mkdir(parents=True)
            (Path(d) / "set" / "images" / "train" / "a.jpg").write_bytes(b"")
            spec = load_data_yaml(self.write(d, "path: ../set\ntrain: images/train\nval: images/val\nnames: [person, car]\n"))
            self.assertEqual(spec.names, ["person", "car"])
            self.assertEqual(spec.root, (Path(d) / "set").resolve())
            self.assertEqual([f.name for f in spec.image_files("train")], ["a.jpg"])
            spec = load_data_yaml(self.write(d, "train: t\nval: v\nnames:\n  1: car\n  0: person\n"))
            self.assertEqual(spec.names, ["person", "car"])

    def test_image_list_file_is_read_relative_to_itself(self) -> None:
        with tempfile.TemporaryDirectory() as d:
            root = Path(d) / "sub"
            (root / "imgs").mkdir(parents=True)
            (root / "imgs" / "x.png").write_bytes(b"")
            (root / "train.txt").write_text("./imgs/x.png\n")
            spec = load_data_yaml(self.write(d, "train: train.txt\nval: train.txt\nnames: [a]\n"))
            self.assertEqual(spec.image_files("train"), [(root / "imgs" / "x.png").resolve()])

    def test_bad_files_are_refused_with_a_code(self) -> None:
        cases = {
            "train: t\nval: v\n": "DATA_YAML_FIELD",
            "train: t\nnames: [a]\n": "DATA_YAML_FIELD",
            "train: t\nval: v\nnames: {0: a, 2: b}\n": "DATA_YAML_FIELD",
            "train: t\nval: v\nnames: [a, b]\nnc: 3\n": "DATA_YAML_FIELD",
            "train: [t\nval: v\n": "DATA_YAML_INVALID",
            "- just\n- a list\n": "DATA_YAML_INVALID",
        }
        with tempfile.TemporaryDirectory() as d:
            for text, code in cases.items():
                with self.subTest(text=text):
                    with self.assertRaises(TrainerError) as ctx:
                        load_data_yaml(self.write(d, text))
                    self.assertEqual(ctx.exception.code, code)
            with self.assertRaises(TrainerError) as ctx:
                load_data_yaml(Path(d) / "missing.yaml")
            self.assertEqual(ctx.exception.code, "DATA_YAML_MISSING")
            spec = load_data_yaml(self.write(d, "train: nowhere\nval: v\nnames: [a]\n"))
            with self.assertRaises(TrainerError) as ctx:
                spec.image_files("train")
            self.assertEqual(ctx.exception.code, "DATA_SPLIT_MISSING")


if __name__ == "__main__":
    unittest.main()
