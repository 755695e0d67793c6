"""`--init MODEL.onnx`: the fused Detector rebuilt from a float or int8 export equals onnxruntime's float run
within 1e-3, takes each exported weight exactly once, and a model from elsewhere is refused with its code."""
import copy
import shutil
import tempfile
import unittest
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import numpy_helper

from scripts.trainer.errors import TrainerError
from scripts.trainer.onnx_init import REBUILD_TOLERANCE, check_rebuild, load_onnx_init, read_metadata
from scripts.trainer.onnx_weights import conv_weights
from scripts.trainer.tests.tiny_onnx import export_tiny

HW = (64, 96)
NAMES = ["box", "disc"]


@unittest.skipIf(shutil.which("node") is None, "node (for onnxruntime-node) is not installed")
class OnnxInit(unittest.TestCase):
    tmp: tempfile.TemporaryDirectory
    root: Path
    threads: int

    @classmethod
    def setUpClass(cls) -> None:
        cls.threads = torch.get_num_threads()
        torch.set_num_threads(1)  # tiny models: more threads only add overhead
        cls.tmp = tempfile.TemporaryDirectory(prefix="lookout-onnx-init-")
        cls.root = Path(cls.tmp.name)
        cls.original = export_tiny(cls.root, NAMES, HW)
        cls.fused = copy.deepcopy(cls.original).fuse()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.tmp.cleanup()
        torch.set_num_threads(cls.threads)

    def test_float_export_rebuilds_with_the_exact_weights_and_matches_onnxruntime(self) -> None:
        model, info = load_onnx_init(str(self.root / "model.onnx"))
        self.assertTrue(model.fused)
        self.assertEqual((info["kind"], info["quantization"], info["names"], info["imgsz"]), ("onnx", "float32", NAMES, list(HW)))
        want = self.fused.state_dict()
        got = model.state_dict()
        self.assertEqual(sorted(got), sorted(want))
        for k in want:
            torch.testing.assert_close(got[k], want[k], rtol=0, atol=0, msg=k)
        check = info["rebuild_check"]
        self.assertEqual(check["against"], "the model file")
        self.assertLessEqual(check["max_scaled_diff"], REBUILD_TOLERANCE)

    def test_parameters_merged_by_the_exporter_are_still_found_by_name(self) -> None:
        # init_biases gives the three box branches equal last biases: torch.onnx.export keeps one initialiser and
        # names Identity outputs after the others; each must still load into its own parameter.
        m = onnx.load(str(self.root / "model.onnx"))
        identities = [n.output[0] for n in m.graph.node if n.op_type == "Identity"]
        self.assertIn("head.box.1.2.conv.bias", identities)
        w = conv_weights(m)
        self.assertEqual(len(w.values), len(self.fused.state_dict()))
        np.testing.assert_array_equal(w.values["head.box.1.2.conv.bias"],
                                      self.fused.state_dict()["head.box.1.2.conv.bias"].numpy())

    def test_int8_export_rebuilds_from_dequantised_weights_and_matches_its_float_twin(self) -> None:
        model, info = load_onnx_init(str(self.root / "model.int8.onnx"))
        self.assertEqual((info["quantization"], info["fused"]), ("int8-qdq", True))
        m = onnx.load(str(self.root / "model.int8.onnx"))
        int_inits = sum(1 for t in m.graph.initializer if t.name.endswith("_quantized"))
        self.assertEqual(info["dequantized"], int_inits)
        self.assertGreater(info["dequantized"], info["tensors"] - 4)
        check = info["rebuild_check"]
        self.assertIn("float twin", check["against"])
        self.assertLessEqual(check["max_scaled_diff"], REBUILD_TOLERANCE)
        # Dequantised weights sit within half a quantisation step (per output channel) of the float ones.
        for k, w in self.fused.state_dict().items():
            if w.ndim == 4:
                step = w.abs().reshape(w.shape[0], -1).amax(1) / 127
                err = (model.state_dict()[k] - w).abs().reshape(w.shape[0], -1).amax(1)
                self.assertTrue(bool((err <= step / 2 + 1e-7).all()), k)

    def test_a_weight_loaded_into_the_wrong_layer_fails_the_check(self) -> None:
        path = str(self.root / "model.onnx")
        model, _ = load_onnx_init(path)
        m = onnx.load(path)
        _, hw, _, _, quant, _ = read_metadata(m, path)
        sd = model.state_dict()
        a, b = "c2f1.m.0.cv1.conv.weight", "c2f1.m.0.cv2.conv.weight"
        self.assertEqual(sd[a].shape, sd[b].shape)
        with torch.no_grad():
            sd[a].copy_(self.fused.state_dict()[b])
            sd[b].copy_(self.fused.state_dict()[a])
        with self.assertRaises(TrainerError) as ctx:
            check_rebuild(model, m, path, quant, conv_weights(m), hw, threads=1)
        self.assertEqual(ctx.exception.code, "ONNX_REBUILD_MISMATCH")

    def test_a_model_without_the_trainers_metadata_is_refused(self) -> None:
        m = onnx.load(str(self.root / "model.onnx"))
        del m.metadata_props[:]
        path = self.root / "foreign.onnx"
        onnx.save(m, str(path))
        with self.assertRaises(TrainerError) as ctx:
            load_onnx_init(str(path))
        self.assertEqual(ctx.exception.code, "ONNX_FOREIGN")
        self.assertIn("'trainer'", ctx.exception.message)
        self.assertEqual(ctx.exception.where, str(path))

    def test_a_graph_whose_weights_are_named_otherwise_is_refused_naming_them(self) -> None:
        m = onnx.load(str(self.root / "model.onnx"))
        for t in m.graph.initializer:
            if t.name == "stem.conv.weight":
                t.name = "model.0.conv.weight"
        for n in m.graph.node:
            for i, name in enumerate(n.input):
                if name == "stem.conv.weight":
                    n.input[i] = "model.0.conv.weight"
        path = self.root / "renamed.onnx"
        onnx.save(m, str(path))
        with self.assertRaises(TrainerError) as ctx:
            load_onnx_init(str(path))
        self.assertEqual(ctx.exception.code, "ONNX_WEIGHTS_MISMATCH")
        self.assertIn("'stem.conv.weight'", ctx.exception.message)
        self.assertIn("'model.0.conv.weight'", ctx.exception.message)

    def test_a_weight_of_the_wrong_shape_is_refused(self) -> None:
        m = onnx.load(str(self.root / "model.onnx"))
        for i, t in enumerate(m.graph.initializer):
            if t.name == "head.cls.0.2.conv.bias":
                m.graph.initializer[i].CopyFrom(numpy_helper.from_array(np.zeros(3, np.float32), t.name))
        path = self.root / "reshaped.onnx"
        onnx.save(m, str(path))
        with self.assertRaises(TrainerError) as ctx:
            load_onnx_init(str(path))
        self.assertEqual(ctx.exception.code, "ONNX_WEIGHTS_MISMATCH")
        self.assertIn("head.cls.0.2.conv.bias [3] vs [2]", ctx.exception.message)


if __name__ == "__main__":
    unittest.main()
