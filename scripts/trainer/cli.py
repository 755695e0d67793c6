"""Command line: `python3 -m scripts.trainer <train|export|eval|random|bench> ...` from the repository root."""
from __future__ import annotations

import argparse
import json
import sys
import traceback

from .errors import EXIT_BAD_INPUT, TrainerError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse exits with 2 by itself; raise instead so every bad input is reported the same way.
        raise TrainerError("ARG_INVALID", message, self.prog if " " in self.prog else None)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="trainer", description="Lookout's detector trainer: train, export (float + int8 QDQ ONNX), eval, random, bench.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    t = sub.add_parser("train", help="train from scratch or fine-tune a checkpoint (--init)")
    t.add_argument("--data", required=True, help="data.yaml of a YOLO data set")
    t.add_argument("--out", required=True, help="output folder: best.pt, last.pt, train.json")
    t.add_argument("--imgsz", default=None, help="input size N (square) or H,W; multiples of 32 (default 256, or the checkpoint's)")
    t.add_argument("--epochs", type=int, default=30)
    t.add_argument("--batch", type=int, default=16)
    t.add_argument("--lr", type=float, default=None, help="peak AdamW learning rate (default 0.002; 0.0005 with --init)")
    t.add_argument("--init", default=None, help="model to fine-tune: a checkpoint (.pt) or an ONNX file this trainer exported (.onnx, float "
                   "or int8 QDQ; rebuilt with BatchNorm folded); its classes must equal the data set's")
    t.add_argument("--threads", type=int, default=None, help="torch threads (default: all cores)")
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--time-limit", type=float, default=None, help="minutes: fewer epochs if they would not fit")
    t.add_argument("--arch", default="lookout", help="architecture preset: lookout (bundled) or n-sized")
    t.add_argument("--width", type=float, default=1.0, help="channel multiplier of the preset")
    t.add_argument("--no-augment", action="store_true", help="train on the letterboxed images as they are")
    t.add_argument("--val-limit", type=int, default=None, help="validate on at most this many images")

    e = sub.add_parser("export", help="write model.onnx (float) and model.int8.onnx (QDQ) from a checkpoint")
    e.add_argument("--weights", required=True)
    e.add_argument("--out", required=True)
    e.add_argument("--calib", default=None, help="data.yaml whose train split calibrates the int8 model (default: float only)")
    e.add_argument("--calib-images", type=int, default=200)
    e.add_argument("--calib-method", choices=("mse", "percentile"), default="mse")
    e.add_argument("--version", default="1")
    e.add_argument("--threads", type=int, default=None)

    v = sub.add_parser("eval", help="mAP50 and mAP50-95 of a checkpoint (torch) or of an ONNX file (onnxruntime-node)")
    v.add_argument("--weights", required=True, help="checkpoint (.pt) or ONNX model (.onnx)")
    v.add_argument("--data", required=True)
    v.add_argument("--split", default="val")
    v.add_argument("--batch", type=int, default=32)
    v.add_argument("--threads", type=int, default=None)
    v.add_argument("--limit", type=int, default=None, help="evaluate the first N images only")

    r = sub.add_parser("random", help="an untrained model of a given size, exported float + int8 (benchmarks)")
    r.add_argument("--arch", default="n-sized")
    r.add_argument("--imgsz", default="640", help="N (square) or H,W")
    r.add_argument("--classes", type=int, default=80)
    r.add_argument("--out", required=True)
    r.add_argument("--calib", default=None, help="data.yaml for calibration (default: random images)")
    r.add_argument("--calib-images", type=int, default=32)
    r.add_argument("--seed", type=int, default=0)
    r.add_argument("--threads", type=int, default=None)
    b = sub.add_parser("bench", help="onnxruntime-node latency of ONNX models (median of --runs after --warmup)")
    b.add_argument("--onnx", nargs="+", required=True)
    b.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    b.add_argument("--runs", type=int, default=50)
    b.add_argument("--warmup", type=int, default=10)
    return p


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
        if args.command == "train":
            from .train import TrainArgs, train
            train(TrainArgs(data=args.data, out=args.out, imgsz=args.imgsz, epochs=args.epochs, batch=args.batch,
                            lr=args.lr, init=args.init, threads=args.threads, seed=args.seed, time_limit=args.time_limit,
                            arch=args.arch, width=args.width, augment=not args.no_augment, val_limit=args.val_limit))
        elif args.command == "export":
            from .export import export_checkpoint
            res = export_checkpoint(args.weights, args.out, calib=args.calib, calib_images=args.calib_images,
                                    calib_method=args.calib_method, version=args.version, threads=args.threads)
            print(json.dumps(res, indent=2))
        elif args.command == "eval":
            from .eval_command import eval_command
            print(json.dumps(eval_command(args.weights, args.data, args.split, args.batch, args.threads, args.limit), indent=2))
        elif args.command == "random":
            from .export import export_random
            print(json.dumps(export_random(args.arch, args.imgsz, args.classes, args.out, calib=args.calib,
                                           calib_images=args.calib_images, seed=args.seed, threads=args.threads), indent=2))
        elif args.command == "bench":
            from .ort import ort_bench
            rows = [{"model": m, **ort_bench(m, threads=t, runs=args.runs, warmup=args.warmup)}
                    for t in args.threads for m in args.onnx]
            print(json.dumps(rows, indent=2))
        return 0
    except TrainerError as e:
        print(f"trainer: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("trainer: interrupted", file=sys.stderr)
        return 130
    except Exception:  # a bug, not bad input: full trace
        traceback.print_exc()
        return 1
