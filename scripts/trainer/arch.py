"""Architecture configurations. One code path builds the small bundled detector and a YOLOv8n-sized one."""
from __future__ import annotations

from dataclasses import asdict, dataclass, replace

from .errors import TrainerError

STRIDES = (8, 16, 32)


@dataclass(frozen=True)
class ArchConfig:
    name: str
    nc: int
    # Output channels of the stem (stride 2) and of the stages at strides 4, 8, 16, 32.
    widths: tuple[int, int, int, int, int]
    # Bottlenecks in the C2f block of each stage at strides 4, 8, 16, 32.
    depths: tuple[int, int, int, int]
    # Bottlenecks in each C2f block of the neck.
    neck_depth: int
    # Hidden channels of the box and class branches of the head.
    head_box: int
    head_cls: int
    # Bins per side of the distance distribution (DFL, as YOLOv8): distances cover 0..reg_max-1 strides.
    reg_max: int

    def to_dict(self) -> dict:
        return asdict(self)

    @staticmethod
    def from_dict(d: dict) -> "ArchConfig":
        try:
            return ArchConfig(name=str(d["name"]), nc=int(d["nc"]), widths=tuple(int(x) for x in d["widths"]),  # type: ignore[arg-type]
                              depths=tuple(int(x) for x in d["depths"]), neck_depth=int(d["neck_depth"]),  # type: ignore[arg-type]
                              head_box=int(d["head_box"]), head_cls=int(d["head_cls"]), reg_max=int(d["reg_max"]))
        except (KeyError, TypeError, ValueError) as e:
            raise TrainerError("CHECKPOINT_INVALID", f"bad architecture config in checkpoint: {e}") from None


def _n_sized(nc: int) -> ArchConfig:
    # YOLOv8n's channels (64..1024 x 0.25), depths (3,6,6,3 x 0.33) and head widths:
    # box max(16, c/4, 4*reg_max) = 64, class max(c, min(nc, 100)).
    return ArchConfig(name="n-sized", nc=nc, widths=(16, 32, 64, 128, 256), depths=(1, 2, 2, 1), neck_depth=1,
                      head_box=64, head_cls=max(64, min(nc, 100)), reg_max=16)


def _lookout(nc: int) -> ArchConfig:
    # The bundled model: about 40% of YOLOv8n's parameters and a tenth of its FLOPs at 320x256 vs 640.
    return ArchConfig(name="lookout", nc=nc, widths=(16, 32, 48, 96, 160), depths=(1, 1, 1, 1), neck_depth=1,
                      head_box=32, head_cls=48, reg_max=12)


def parse_imgsz(value: str | int | tuple[int, int] | list[int]) -> tuple[int, int]:
    """`320` (square) or `256,320` / `256x320` (height, width, as Ultralytics' [H, W]) -> (H, W), multiples of 32."""
    if isinstance(value, int):
        hw = (value, value)
    elif isinstance(value, (tuple, list)):
        hw = (int(value[0]), int(value[-1]))
    else:
        parts = value.replace("x", ",").split(",")
        try:
            nums = [int(p) for p in parts]
        except ValueError:
            raise TrainerError("ARG_INVALID", f"imgsz '{value}' is not N or H,W", "--imgsz") from None
        if len(nums) not in (1, 2):
            raise TrainerError("ARG_INVALID", f"imgsz '{value}' is not N or H,W", "--imgsz")
        hw = (nums[0], nums[-1])
    if any(v < 32 or v % max(STRIDES) for v in hw):
        raise TrainerError("ARG_INVALID", f"imgsz {hw[0]}x{hw[1]} (HxW): each side must be a multiple of 32 (the largest stride)", "--imgsz")
    return hw


PRESETS = {"lookout": _lookout, "n-sized": _n_sized}


def arch_from_name(name: str, nc: int, width: float = 1.0) -> ArchConfig:
    if name not in PRESETS:
        raise TrainerError("ARG_INVALID", f"unknown architecture '{name}' (choose from {', '.join(PRESETS)})", "--arch")
    cfg = PRESETS[name](nc)
    if width != 1.0:
        def scale(c: int) -> int:
            return max(8, int(round(c * width / 8)) * 8)
        cfg = replace(cfg, widths=tuple(scale(c) for c in cfg.widths), head_box=scale(cfg.head_box),  # type: ignore[arg-type]
                      head_cls=max(scale(cfg.head_cls), min(nc, 100)) if name == "n-sized" else scale(cfg.head_cls))
    return cfg
