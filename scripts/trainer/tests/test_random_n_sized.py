"""`random --arch n-sized`: a YOLOv8n-sized network with random weights, for benchmarks."""
import json
import shutil
import tempfile
import unittest
from pathlib import Path

import onnx

from scripts.trainer.arch import arch_from_name
from scripts.trainer.model import Detector, count_flops, count_params
from scripts.trainer.ort import ort_info
from scripts.trainer.tests.helpers import run_cli


class RandomNSized(unittest.TestCase):
    def test_n_sized_matches_yolov8n_parameters_and_flops(self) -> None:
        model = Detector(arch_from_name("n-sized", 80))
        # YOLOv8n: 3,157,200 parameters (16 of them the fixed DFL projection, a buffer here), 8.7 GFLOPs at 640.
        self.assertAlmostEqual(count_params(model) / 1e6, 3.157, delta=0.01)
        self.assertAlmostEqual(count_flops(model, (640, 640)), 8.7, delta=0.1)

    @unittest.skipIf(shutil.which("node") is None, "node (for onnxruntime-node) is not installed")
    def test_random_exports_float_and_int8_with_80_named_classes(self) -> None:
        with tempfile.TemporaryDirectory() as d:
            proc = run_cli("random", "--arch", "n-sized", "--imgsz", "96", "--classes", "80", "--out", d,
                           "--calib-images", "4")
            self.assertEqual(proc.returncode, 0, proc.stderr)
            res = json.loads(proc.stdout)
            self.assertEqual(res["params"], count_params(Detector(arch_from_name("n-sized", 80))))
            for name in ("model.onnx", "model.int8.onnx"):
                info = ort_info(Path(d) / name)
                # A at 96: 12*12 + 6*6 + 3*3 = 189.
                self.assertEqual(info["outputs"][0]["shape"], [1, 84, 189])
                props = {p.key: p.value for p in onnx.load(str(Path(d) / name)).metadata_props}
                self.assertTrue(props["names"].startswith("{0: 'class0', 1: 'class1'"))
                self.assertTrue(props["names"].endswith("79: 'class79'}"))


if __name__ == "__main__":
    unittest.main()
