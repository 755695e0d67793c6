"""Through the CLI, as the cloud's retraining job runs it: fine-tune one epoch from an int8 ONNX model, export
the result, and start again from that export."""
import json
import shutil
import tempfile
import unittest
from pathlib import Path

import onnx
import torch

from scripts.trainer.checkpoint import load_checkpoint
from scripts.trainer.model import count_params
from scripts.trainer.onnx_init import load_onnx_init
from scripts.trainer.ort import ort_info
from scripts.trainer.tests.helpers import run_cli
from scripts.trainer.tests.tiny_dataset import NAMES, make_tiny_dataset
from scripts.trainer.tests.tiny_onnx import export_tiny

H, W = 64, 96


@unittest.skipIf(shutil.which("node") is None, "node (for onnxruntime-node) is not installed")
class FinetuneFromOnnx(unittest.TestCase):
    tmp: tempfile.TemporaryDirectory
    root: Path
    threads: int

    @classmethod
    def setUpClass(cls) -> None:
        cls.threads = torch.get_num_threads()
        torch.set_num_threads(1)  # tiny models: more threads only add overhead
        cls.tmp = tempfile.TemporaryDirectory(prefix="lookout-finetune-onnx-")
        cls.root = Path(cls.tmp.name)
        cls.data = make_tiny_dataset(cls.root / "data", n_train=16, n_val=4)
        export_tiny(cls.root / "deployed", NAMES, (H, W))
        cls.init = cls.root / "deployed" / "model.int8.onnx"
        cls.tune = run_cli("train", "--data", str(cls.data), "--out", str(cls.root / "tuned"), "--init", str(cls.init),
                           "--epochs", "1", "--batch", "8", "--threads", "1")
        cls.export = run_cli("export", "--weights", str(cls.root / "tuned" / "best.pt"), "--out", str(cls.root / "out"),
                             "--calib-images", "8", "--threads", "1")

    @classmethod
    def tearDownClass(cls) -> None:
        cls.tmp.cleanup()
        torch.set_num_threads(cls.threads)

    def test_train_json_says_where_the_weights_came_from(self) -> None:
        self.assertEqual(self.tune.returncode, 0, self.tune.stderr)
        self.assertRegex(self.tune.stderr, r"(?m)^init: .*model\.int8\.onnx: int8-qdq ONNX, lookout, BatchNorm folded, "
                                           r"\d+ weight tensors \(\d+ dequantised\); rebuild equals onnxruntime's run")
        self.assertRegex(self.tune.stderr, r"(?m)^epoch 1/1 step 2/2 loss box")
        rep = json.loads((self.root / "tuned" / "train.json").read_text())
        init = rep["init"]
        self.assertEqual((init["path"], init["kind"], init["quantization"], init["fused"]),
                         (str(self.init), "onnx", "int8-qdq", True))
        self.assertLessEqual(init["rebuild_check"]["max_scaled_diff"], 1e-3)
        self.assertEqual(rep["imgsz"], [H, W])  # from the model's metadata
        self.assertEqual(rep["recipe"]["args"]["lr"], 0.0005)  # the fine-tune default

    def test_checkpoint_is_fused_and_trained_away_from_the_start(self) -> None:
        self.assertEqual(self.tune.returncode, 0, self.tune.stderr)
        tuned, ckpt = load_checkpoint(self.root / "tuned" / "best.pt")
        self.assertIs(ckpt["fused"], True)
        self.assertTrue(tuned.fused)
        start, _ = load_onnx_init(str(self.init))
        w0, w1 = start.state_dict()["stem.conv.weight"], tuned.state_dict()["stem.conv.weight"]
        self.assertFalse(torch.equal(w0, w1))
        self.assertGreater(float(torch.corrcoef(torch.stack([w0.flatten(), w1.flatten()]))[0, 1]), 0.9)

    def test_export_of_the_fused_checkpoint_loads_again_as_an_init(self) -> None:
        self.assertEqual(self.export.returncode, 0, self.export.stderr)
        res = json.loads(self.export.stdout)
        tuned, _ = load_checkpoint(self.root / "tuned" / "best.pt")
        # Not fused a second time: the exported parameters are the checkpoint's.
        self.assertEqual(res["params"], count_params(tuned))
        self.assertEqual(res["params_fused"], count_params(tuned))
        for name, quant in (("model.onnx", "float32"), ("model.int8.onnx", "int8-qdq")):
            path = self.root / "out" / name
            info = ort_info(path)
            self.assertEqual(info["outputs"][0]["shape"], [1, 4 + len(NAMES), 126])
            props = {p.key: p.value for p in onnx.load(str(path)).metadata_props}
            self.assertEqual(json.loads(props["trainer"])["init"]["kind"], "onnx")
            again, src = load_onnx_init(str(path))
            self.assertEqual(src["quantization"], quant)
            self.assertLessEqual(src["rebuild_check"]["max_scaled_diff"], 1e-3)
            if quant == "float32":
                for k, v in tuned.state_dict().items():
                    torch.testing.assert_close(again.state_dict()[k], v, rtol=0, atol=0, msg=k)

    def test_a_model_without_the_trainers_metadata_ends_the_job_with_its_code(self) -> None:
        m = onnx.load(str(self.root / "deployed" / "model.onnx"))
        del m.metadata_props[:]
        foreign = self.root / "foreign.onnx"
        onnx.save(m, str(foreign))
        proc = run_cli("train", "--data", str(self.data), "--out", str(self.root / "refused"), "--init", str(foreign),
                       "--epochs", "1", "--threads", "1")
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertRegex(proc.stderr, rf"(?m)^trainer: {foreign}: no 'names', .*'trainer'.* metadata.* \[ONNX_FOREIGN\]$")
        self.assertFalse((self.root / "refused" / "best.pt").exists())


if __name__ == "__main__":
    unittest.main()
