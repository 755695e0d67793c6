import unittest

import numpy as np
import torch

from scripts.trainer.quant import HIST_BINS, QPoint, mse_range, percentile_range, qparams, set_qmode


class QuantRanges(unittest.TestCase):
    def test_zero_is_exactly_representable(self) -> None:
        for lo, hi in ((-1.3, 2.9), (0.0, 6.0), (-5.0, 0.1), (0.5, 3.0)):
            scale, zp = qparams(lo, hi)
            self.assertTrue(0 <= zp <= 255)
            self.assertEqual(round((0.0 / scale) + zp), zp)
            self.assertLessEqual(-zp * scale, min(lo, 0.0) + 1e-6)

    def test_relu_outputs_get_zero_point_0(self) -> None:
        q = QPoint(nonneg=True)
        set_qmode(q, "minmax")
        q(torch.rand(1000) * 4)
        set_qmode(q, "hist")
        q(torch.rand(1000) * 4)
        q.finish_calibration()
        self.assertEqual(q.zero_point, 0)

    def test_mse_range_beats_full_range_and_tight_clipping_on_real_rounding_error(self) -> None:
        rng = np.random.default_rng(0)
        x = rng.exponential(1.0, 200000)
        hist, _ = np.histogram(x, bins=HIST_BINS, range=(0, x.max()))
        lo, hi = mse_range(hist.astype(np.float64), 0.0, float(x.max()), nonneg=True)

        def err(top: float) -> float:
            scale, zp = qparams(0.0, top)
            q = (np.clip(np.round(x / scale) + zp, 0, 255) - zp) * scale
            return float(((q - x) ** 2).mean())

        self.assertEqual(lo, 0.0)
        self.assertLess(hi, x.max())
        self.assertLess(err(hi), err(float(x.max())))
        self.assertLess(err(hi), err(float(np.percentile(x, 99))))

    def test_percentile_range_clips_both_tails_by_0_01_percent(self) -> None:
        x = np.random.default_rng(1).normal(size=200000)
        hist, _ = np.histogram(x, bins=HIST_BINS, range=(x.min(), x.max()))
        lo, hi = percentile_range(hist.astype(np.float64), float(x.min()), float(x.max()), nonneg=False)
        want_lo, want_hi = np.percentile(x, [0.01, 99.99])
        width = (x.max() - x.min()) / HIST_BINS
        self.assertAlmostEqual(lo, want_lo, delta=2 * width)
        self.assertAlmostEqual(hi, want_hi, delta=2 * width)

    def test_max_method_keeps_the_whole_range(self) -> None:
        x = torch.cat([torch.randn(10000), torch.tensor([40.0])])
        q = QPoint(nonneg=False, method="max")
        for mode in ("minmax", "hist"):
            set_qmode(q, mode)
            q(x)
        q.finish_calibration()
        assert q.scale is not None and q.zero_point is not None
        self.assertAlmostEqual((255 - q.zero_point) * q.scale, 40.0, delta=q.scale)

    def test_fake_quantised_values_sit_on_the_grid(self) -> None:
        q = QPoint(nonneg=False)
        set_qmode(q, "minmax")
        x = torch.linspace(-2, 5, 1001)
        q(x)
        set_qmode(q, "hist")
        q(x)
        q.finish_calibration()
        set_qmode(q, "quant")
        y = q(x)
        assert q.scale is not None
        codes = y / q.scale
        self.assertTrue(torch.allclose(codes, codes.round(), atol=1e-3))
        self.assertLess(float((y - x).abs().max()), q.scale)


if __name__ == "__main__":
    unittest.main()
