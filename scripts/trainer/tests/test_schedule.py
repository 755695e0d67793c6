import unittest

from scripts.trainer.optim import Schedule


class ScheduleFitsTheTimeLimit(unittest.TestCase):
    def test_warm_up_then_cosine_down_to_the_final_fraction(self) -> None:
        s = Schedule(lr=0.01, final=0.1, epochs=10, steps_per_epoch=100, time_limit_s=None)
        self.assertEqual(s.warmup, 50)
        self.assertAlmostEqual(s.lr_at(0), 0.01 / 50)
        self.assertAlmostEqual(s.lr_at(50), 0.01)
        self.assertAlmostEqual(s.lr_at(525), 0.01 * (0.1 + 0.9 * 0.5))
        self.assertAlmostEqual(s.lr_at(999), 0.001, places=5)

    def test_slow_epochs_cut_the_plan_and_faster_ones_restore_it_up_to_the_request(self) -> None:
        s = Schedule(lr=0.01, final=0.1, epochs=12, steps_per_epoch=10, time_limit_s=600)
        s.end_epoch(done=1, epoch_s=100, elapsed_s=110)  # 490 s left at 100 s/epoch -> 4 more
        self.assertEqual((s.epochs, s.cut_by_time), (5, True))
        s.end_epoch(done=2, epoch_s=20, elapsed_s=130)  # mean 60 s, 470 s left -> 7 more, 9 in all
        self.assertEqual(s.epochs, 9)
        s.end_epoch(done=3, epoch_s=1, elapsed_s=131)  # mean 40.3 s, 469 s left -> 11 more, capped at 12
        self.assertEqual((s.epochs, s.cut_by_time), (12, False))
        s.end_epoch(done=4, epoch_s=2000, elapsed_s=2200)  # over time: stop after the epoch just done
        self.assertEqual(s.epochs, 4)


if __name__ == "__main__":
    unittest.main()
