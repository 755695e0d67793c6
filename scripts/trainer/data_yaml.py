"""`data.yaml` of a YOLO data set: `path`, `train`, `val`, optional `test`, `names` (list or {id: name}).

Split entries are a folder of images, a `.txt` file listing images (one per line), or a list of either, relative
to `path`; `path` itself, when relative or absent, is relative to the folder holding the YAML file.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import TrainerError

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp")
SPLITS = ("train", "val", "test")


@dataclass(frozen=True)
class DataSpec:
    yaml_path: Path
    root: Path
    names: list[str]
    # Split name -> its entries as written (resolved lazily, so a missing optional split costs nothing).
    splits: dict[str, list[str]]

    @property
    def nc(self) -> int:
        return len(self.names)

    def image_files(self, split: str) -> list[Path]:
        entries = self.splits.get(split)
        where = f"{self.yaml_path}: {split}"
        if not entries:
            raise TrainerError("DATA_SPLIT_MISSING", f"the data set has no '{split}' split", str(self.yaml_path))
        files: list[Path] = []
        for entry in entries:
            p = Path(entry)
            if not p.is_absolute():
                p = self.root / p
            if p.is_dir():
                files.extend(sorted(f for f in p.rglob("*") if f.suffix.lower() in IMAGE_SUFFIXES and f.is_file()))
            elif p.is_file() and p.suffix == ".txt":
                for line in p.read_text(encoding="utf-8").splitlines():
                    line = line.strip()
                    if line:
                        f = Path(line)
                        # Ultralytics: lines starting with './' are relative to the list file's folder.
                        files.append(f if f.is_absolute() else (p.parent / f).resolve())
            else:
                raise TrainerError("DATA_SPLIT_MISSING", f"'{p}' is neither a folder nor a .txt image list", where)
        if not files:
            raise TrainerError("DATA_NO_IMAGES", f"no images ({', '.join(IMAGE_SUFFIXES)}) under {entries}", where)
        return files


def _names_from(value: object, where: str) -> list[str]:
    if isinstance(value, list):
        names = value
    elif isinstance(value, dict):
        try:
            ids = sorted(int(k) for k in value)
        except (TypeError, ValueError):
            raise TrainerError("DATA_YAML_FIELD", "'names' mapping keys must be class ids 0..nc-1", where) from None
        if ids != list(range(len(ids))):
            raise TrainerError("DATA_YAML_FIELD", f"'names' ids must be 0..{len(ids) - 1} without gaps, got {ids}", where)
        names = [value[k] if k in value else value[str(k)] for k in ids]  # type: ignore[index]
    else:
        raise TrainerError("DATA_YAML_FIELD", "'names' must be a list or a mapping {id: name}", where)
    if not names:
        raise TrainerError("DATA_YAML_FIELD", "'names' is empty", where)
    out = []
    for i, n in enumerate(names):
        if not isinstance(n, (str, int, float)) or str(n).strip() == "":
            raise TrainerError("DATA_YAML_FIELD", f"names[{i}] must be a non-empty string", where)
        out.append(str(n))
    return out


def load_data_yaml(path: str | Path) -> DataSpec:
    yaml_path = Path(path).resolve()
    if not yaml_path.is_file():
        raise TrainerError("DATA_YAML_MISSING", "data set YAML not found", str(path))
    try:
        doc = yaml.safe_load(yaml_path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{yaml_path}:{mark.line + 1}" if mark is not None else str(yaml_path)
        raise TrainerError("DATA_YAML_INVALID", f"not valid YAML: {getattr(e, 'problem', e)}", where) from None
    if not isinstance(doc, dict):
        raise TrainerError("DATA_YAML_INVALID", "expected a mapping with path, train, val, names", str(yaml_path))
    where = str(yaml_path)
    if "names" not in doc:
        raise TrainerError("DATA_YAML_FIELD", "missing 'names'", where)
    names = _names_from(doc["names"], f"{where}: names")
    if "nc" in doc and doc["nc"] != len(names):
        raise TrainerError("DATA_YAML_FIELD", f"nc is {doc['nc']} but names has {len(names)} entries", f"{where}: nc")
    root_value = doc.get("path")
    root = yaml_path.parent if root_value in (None, "") else Path(str(root_value))
    if not root.is_absolute():
        root = (yaml_path.parent / root).resolve()
    splits: dict[str, list[str]] = {}
    for split in SPLITS:
        v = doc.get(split)
        if v in (None, ""):
            continue
        if isinstance(v, str):
            splits[split] = [v]
        elif isinstance(v, list) and all(isinstance(x, str) for x in v):
            splits[split] = list(v)
        else:
            raise TrainerError("DATA_YAML_FIELD", f"'{split}' must be a path or a list of paths", f"{where}: {split}")
    for split in ("train", "val"):
        if split not in splits:
            raise TrainerError("DATA_YAML_FIELD", f"missing '{split}'", where)
    return DataSpec(yaml_path=yaml_path, root=root, names=names, splits=splits)
