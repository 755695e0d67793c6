"""The whole path on a tiny data set, through the CLI: train from scratch, fine-tune from that checkpoint,
evaluate, export float + int8, and check the exported files with onnxruntime-node."""
import json
import shutil
import tempfile
import unittest
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import TensorProto, numpy_helper

from scripts.trainer.checkpoint import load_checkpoint
from scripts.trainer.data_yaml import load_data_yaml
from scripts.trainer.dataset import load_split
from scripts.trainer.evaluate import torch_outputs
from scripts.trainer.ort import ort_info, ort_run
from scripts.trainer.tests.helpers import run_cli
from scripts.trainer.tests.tiny_dataset import make_tiny_dataset

# Rectangular input (H, W) = (64, 96), so that any mix-up of height and width shows.
H, W = 64, 96
# A = sum over strides 8/16/32 of (H/s)(W/s) = 96 + 24 + 6.
ANCHORS = 126


@unittest.skipIf(shutil.which("node") is None, "node (for onnxruntime-node) is not installed")
class TrainFinetuneExport(unittest.TestCase):
    tmp: tempfile.TemporaryDirectory
    root: Path

    @classmethod
    def setUpClass(cls) -> None:
        cls.tmp = tempfile.TemporaryDirectory(prefix="lookout-trainer-test-")
        cls.root = Path(cls.tmp.name)
        cls.data = make_tiny_dataset(cls.root / "data", n_train=24, n_val=8)
        common = ["--data", str(cls.data), "--batch", "8", "--threads", "2", "--seed", "1"]
        cls.train = run_cli("train", *common, "--out", str(cls.root / "scratch"), "--imgsz", f"{H},{W}", "--epochs", "2")
        cls.tune = run_cli("train", *common, "--out", str(cls.root / "tuned"), "--epochs", "1",
                           "--init", str(cls.root / "scratch" / "best.pt"))
        cls.export = run_cli("export", "--weights", str(cls.root / "tuned" / "best.pt"), "--out", str(cls.root / "onnx"),
                             "--calib", str(cls.data), "--calib-images", "16", "--version", "7")

    @classmethod
    def tearDownClass(cls) -> None:
        cls.tmp.cleanup()

    def test_training_from_scratch_writes_checkpoints_and_recipe(self) -> None:
        self.assertEqual(self.train.returncode, 0, self.train.stderr)
        self.assertRegex(self.train.stderr, r"epoch 2/2 step 3/3 loss box [\d.]+ cls [\d.]+ dfl [\d.]+ \| [\d.]+ img/s")
        rep = json.loads((self.root / "scratch" / "train.json").read_text())
        self.assertEqual(len(rep["epochs"]), 2)
        self.assertEqual(rep["recipe"]["args"]["imgsz"], [H, W])
        self.assertEqual(rep["dataset"]["train"]["images"], 24)
        self.assertEqual(rep["dataset"]["train"]["images_without_labels"], 1)
        for row in rep["epochs"]:
            self.assertTrue(np.isfinite(row["loss"]["box"]) and 0 <= row["map50"] <= 1)
        model, ckpt = load_checkpoint(self.root / "scratch" / "last.pt")
        self.assertEqual((ckpt["names"], ckpt["imgsz"]), (["box", "disc"], [H, W]))

    def test_fine_tuning_starts_from_the_checkpoint_and_keeps_its_names(self) -> None:
        self.assertEqual(self.tune.returncode, 0, self.tune.stderr)
        rep = json.loads((self.root / "tuned" / "train.json").read_text())
        self.assertTrue(rep["init"]["path"].endswith("scratch/best.pt"))
        self.assertEqual((rep["init"]["kind"], rep["init"]["fused"]), ("pt", False))
        self.assertEqual(rep["imgsz"], [H, W])  # taken from the checkpoint
        start, _ = load_checkpoint(self.root / "scratch" / "best.pt")
        tuned, ckpt = load_checkpoint(self.root / "tuned" / "best.pt")
        self.assertEqual(ckpt["names"], ["box", "disc"])
        w0 = start.state_dict()["stem.conv.weight"]
        w1 = tuned.state_dict()["stem.conv.weight"]
        # Changed by training, yet close to where it started (a fresh init would be uncorrelated).
        self.assertFalse(torch.equal(w0, w1))
        self.assertGreater(float(torch.corrcoef(torch.stack([w0.flatten(), w1.flatten()]))[0, 1]), 0.9)

    def test_fine_tuning_on_other_class_names_is_refused(self) -> None:
        other = make_tiny_dataset(self.root / "other", n_train=4, n_val=2, names=["disc", "box"])
        proc = run_cli("train", "--data", str(other), "--out", str(self.root / "bad"), "--epochs", "1",
                       "--init", str(self.root / "scratch" / "best.pt"))
        self.assertEqual(proc.returncode, 2)
        self.assertIn("[NAMES_MISMATCH]", proc.stderr)

    def test_eval_prints_map_as_json(self) -> None:
        proc = run_cli("eval", "--weights", str(self.root / "tuned" / "best.pt"), "--data", str(self.data))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        res = json.loads(proc.stdout)
        self.assertEqual((res["images"], res["split"]), (8, "val"))
        self.assertTrue(0 <= res["map50_95"] <= res["map50"] <= 1)

    def test_int8_model_has_the_ultralytics_interface_in_onnxruntime(self) -> None:
        self.assertEqual(self.export.returncode, 0, self.export.stderr)
        info = ort_info(self.root / "onnx" / "model.int8.onnx")
        self.assertEqual(info["inputs"], [{"name": "images", "type": "float32", "shape": [1, 3, H, W]}])
        self.assertEqual(info["outputs"], [{"name": "output0", "type": "float32", "shape": [1, 4 + 2, ANCHORS]}])

    def test_metadata_names_the_classes_like_ultralytics(self) -> None:
        for name, quant in (("model.onnx", "float32"), ("model.int8.onnx", "int8-qdq")):
            props = {p.key: p.value for p in onnx.load(str(self.root / "onnx" / name)).metadata_props}
            self.assertEqual(props["names"], "{0: 'box', 1: 'disc'}")
            self.assertEqual((props["imgsz"], props["stride"], props["task"]), (f"[{H}, {W}]", "32", "detect"))
            self.assertEqual((props["quantization"], props["version"]), (quant, "7"))
            self.assertIn("epoch", json.loads(props["trainer"]))

    def test_int8_graph_has_uint8_activations_and_int8_weights(self) -> None:
        m = onnx.load(str(self.root / "onnx" / "model.int8.onnx"))
        inits = {t.name: t for t in m.graph.initializer}
        qs = [n for n in m.graph.node if n.op_type == "QuantizeLinear"]
        self.assertGreater(len(qs), 20)
        for n in qs:
            self.assertEqual(inits[n.input[2]].data_type, TensorProto.UINT8, n.name)
            self.assertEqual(list(inits[n.input[1]].dims), [], n.name)  # scalar scale
            self.assertNotIn(n.input[0], inits, "QuantizeLinear on a constant was not folded")
        convs = [n for n in m.graph.node if n.op_type == "Conv"]
        producers = {o: n for n in m.graph.node for o in n.output}
        for c in convs:
            dq_w = producers[c.input[1]]
            self.assertEqual(dq_w.op_type, "DequantizeLinear")
            self.assertEqual(inits[dq_w.input[0]].data_type, TensorProto.INT8)
            dq_b = producers[c.input[2]]
            self.assertEqual(inits[dq_b.input[0]].data_type, TensorProto.INT32)

    def test_onnxruntime_fuses_every_convolution_into_integer_kernels(self) -> None:
        src = onnx.load(str(self.root / "onnx" / "model.int8.onnx"))
        convs = sum(1 for n in src.graph.node if n.op_type == "Conv")
        opt = self.root / "onnx" / "optimized.onnx"
        ort_info(self.root / "onnx" / "model.int8.onnx", optimized=opt)
        ops = [n.op_type for n in onnx.load(str(opt)).graph.node]
        self.assertEqual(ops.count("QLinearConv"), convs)
        self.assertNotIn("Conv", ops)
        self.assertGreater(ops.count("QLinearConcat"), 0)
        self.assertGreater(ops.count("QLinearAdd"), 0)
        # One QuantizeLinear remains: the input's. The rest of the graph stays in uint8 up to the decode tail.
        self.assertEqual(ops.count("QuantizeLinear"), 1)

    def test_float_onnx_equals_torch_and_int8_tracks_it(self) -> None:
        spec = load_data_yaml(self.data)
        val = load_split(spec, "val", (H, W), progress=False)
        model, _ = load_checkpoint(self.root / "tuned" / "best.pt")
        ref = torch_outputs(model, val)(0, len(val))
        f32, _ = ort_run(self.root / "onnx" / "model.onnx", val.images)
        i8, _ = ort_run(self.root / "onnx" / "model.int8.onnx", val.images)
        self.assertEqual(f32.shape, (8, 6, ANCHORS))
        np.testing.assert_allclose(f32, ref, atol=2e-3, rtol=1e-3)
        # int8: boxes within a few pixels on average, scores close, best anchors mostly the same.
        self.assertLess(float(np.abs(i8[:, :4] - f32[:, :4]).mean()), 2.0)
        self.assertLess(float(np.abs(i8[:, 4:] - f32[:, 4:]).mean()), 0.03)
        top_f = np.argsort(-f32[:, 4:].max(1), axis=1)[:, :5]
        top_q = np.argsort(-i8[:, 4:].max(1), axis=1)[:, :5]
        overlap = np.mean([len(set(a) & set(b)) / 5 for a, b in zip(top_f, top_q)])
        self.assertGreaterEqual(overlap, 0.6)

    def test_int8_initialisers_are_far_smaller_than_float(self) -> None:
        f = (self.root / "onnx" / "model.onnx").stat().st_size
        q = (self.root / "onnx" / "model.int8.onnx").stat().st_size
        self.assertLess(q, f / 2.5)
        m = onnx.load(str(self.root / "onnx" / "model.int8.onnx"))
        big_float = [t.name for t in m.graph.initializer
                     if t.data_type == TensorProto.FLOAT and numpy_helper.to_array(t).size > 1024]
        self.assertEqual(big_float, [])


if __name__ == "__main__":
    unittest.main()
