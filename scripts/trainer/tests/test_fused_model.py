"""A model with BatchNorm folded (what an ONNX init gives): fusing twice changes nothing, its checkpoint reloads
fused, and its optimiser decays the convolution weights only."""
import tempfile
import unittest
from pathlib import Path

import torch

from scripts.trainer.arch import arch_from_name
from scripts.trainer.checkpoint import load_checkpoint, save_checkpoint
from scripts.trainer.model import ConvBNReLU, Detector, HeadConv
from scripts.trainer.optim import make_optimizer


def _trained_like(seed: int = 0) -> Detector:
    """Tiny model whose BatchNorm layers hold non-trivial statistics and affine parameters."""
    torch.manual_seed(seed)
    model = Detector(arch_from_name("lookout", 2, 0.25))
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 2.0)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
    return model.eval()


class FusedModel(unittest.TestCase):
    def setUp(self) -> None:
        self.x = torch.rand(2, 3, 64, 96, generator=torch.Generator().manual_seed(1))

    def test_fuse_keeps_the_outputs_and_a_second_fuse_changes_nothing(self) -> None:
        model = _trained_like()
        self.assertFalse(model.fused)
        with torch.no_grad():
            before = [t for pair in model(self.x) for t in pair]
            model.fuse()
            self.assertTrue(model.fused)
            once = {k: v.clone() for k, v in model.state_dict().items()}
            after = [t for pair in model(self.x) for t in pair]
            model.fuse()
            twice = model.state_dict()
        for a, b in zip(before, after):
            torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-4)
        self.assertEqual(sorted(once), sorted(twice))
        for k in once:
            self.assertTrue(torch.equal(once[k], twice[k]), k)
        self.assertFalse(any(".bn." in k for k in twice))

    def test_checkpoint_of_a_fused_model_reloads_fused_with_its_weights(self) -> None:
        fused = _trained_like().fuse()
        plain = _trained_like(seed=3)
        with tempfile.TemporaryDirectory() as d:
            save_checkpoint(Path(d) / "fused.pt", fused, ["box", "disc"], (64, 96), {"epoch": 1})
            save_checkpoint(Path(d) / "plain.pt", plain, ["box", "disc"], (64, 96), {"epoch": 1})
            back, ckpt = load_checkpoint(Path(d) / "fused.pt")
            back_plain, ckpt_plain = load_checkpoint(Path(d) / "plain.pt")
        self.assertIs(ckpt["fused"], True)
        self.assertTrue(back.fused)
        for k, v in fused.state_dict().items():
            self.assertTrue(torch.equal(back.state_dict()[k], v), k)
        self.assertIs(ckpt_plain["fused"], False)
        self.assertFalse(back_plain.fused)
        self.assertIn("stem.bn.running_var", back_plain.state_dict())

    def test_optimizer_decays_convolution_weights_but_not_biases(self) -> None:
        model = _trained_like().fuse()
        convs = [m.conv for m in model.modules() if isinstance(m, (ConvBNReLU, HeadConv))]
        opt = make_optimizer(model, 1e-3, 5e-4)
        decay, no_decay = opt.param_groups
        self.assertEqual(decay["weight_decay"], 5e-4)
        self.assertEqual(no_decay["weight_decay"], 0.0)
        self.assertEqual({id(p) for p in decay["params"]}, {id(c.weight) for c in convs})
        self.assertEqual({id(p) for p in no_decay["params"]}, {id(c.bias) for c in convs})


if __name__ == "__main__":
    unittest.main()
