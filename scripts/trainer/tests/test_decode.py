import unittest

import numpy as np
import torch

from scripts.trainer.arch import arch_from_name
from scripts.trainer.model import Detector


class DecodeLayout(unittest.TestCase):
    def test_output0_is_cxcywh_in_input_pixels_then_sigmoid_scores(self) -> None:
        torch.manual_seed(0)
        model = Detector(arch_from_name("lookout", 3)).eval()
        h, w = 64, 96
        x = torch.rand(1, 3, h, w)
        with torch.no_grad():
            raw = model(x)
            model.export_hw = (h, w)
            out = model(x)[0].numpy()
        self.assertEqual(out.shape, (7, 8 * 12 + 4 * 6 + 2 * 3))
        r = model.cfg.reg_max
        a = 0
        # Independent decode: per level, row-major cells, centre (i + 0.5) * stride, distances = softmax expectation.
        for (box, cls), s in zip(raw, (8, 16, 32)):
            b = box[0].numpy().reshape(4, r, h // s, w // s)
            p = np.exp(b - b.max(1, keepdims=True))
            p /= p.sum(1, keepdims=True)
            d = (p * np.arange(r)[None, :, None, None]).sum(1)
            for y in range(h // s):
                for xx in range(w // s):
                    ax, ay = xx + 0.5, y + 0.5
                    l, t, rr, bb = d[:, y, xx]
                    want = [(ax + (rr - l) / 2) * s, (ay + (bb - t) / 2) * s, (l + rr) * s, (t + bb) * s]
                    np.testing.assert_allclose(out[:4, a], want, rtol=1e-4, atol=1e-3)
                    np.testing.assert_allclose(out[4:, a], 1 / (1 + np.exp(-cls[0, :, y, xx].numpy())), rtol=1e-5)
                    a += 1


if __name__ == "__main__":
    unittest.main()
