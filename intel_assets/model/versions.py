"""The model store: every trained version kept on disk, with one marked current.

A version is a folder holding the LightGBM model text, its metadata (features, calibrator,
figures) and its validation predictions, so that any two versions can be compared row for row
and a scoring run can use the current version without training. A version's name carries a
digest of what decides its scores (the trees, the features, the calibrator, the horizon), so
training again on the same data yields the same version instead of a duplicate, while the
same trees calibrated another way are a version of their own.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from intel_assets.model.calibration import Calibrator
from intel_assets.model.features import FeatureSpec

MODEL_FILE = "model.txt"
METADATA_FILE = "metadata.json"
VALIDATION_FILE = "validation.parquet"
CURRENT_FILE = "current.json"
# Besides the trees, what decides a version's scores.
IDENTITY_KEYS = ("features", "calibrator", "horizon_days")


@dataclass(frozen=True)
class StoredModel:
    version: str
    folder: Path
    metadata: dict[str, Any]

    @property
    def spec(self) -> FeatureSpec:
        return FeatureSpec.from_dict(self.metadata["features"])

    @property
    def calibrator(self) -> Calibrator:
        return Calibrator.from_dict(self.metadata["calibrator"])

    @property
    def metrics(self) -> dict[str, float]:
        return self.metadata["metrics"]

    def booster(self) -> Any:
        import lightgbm as lgb

        return lgb.Booster(model_file=str(self.folder / MODEL_FILE))

    def validation(self) -> pd.DataFrame:
        return pd.read_parquet(self.folder / VALIDATION_FILE)


class NoModelError(LookupError):
    pass


class ModelStore:
    """One folder per model name below `root` (`<root>/<name>/<version>/`)."""

    def __init__(self, root: Path, name: str = "churn") -> None:
        self.folder = Path(root) / name

    def save(
        self, model_text: str, metadata: dict[str, Any], validation: pd.DataFrame
    ) -> StoredModel:
        """Keeps a version (or finds the identical one kept before) and makes it current."""
        self.folder.mkdir(parents=True, exist_ok=True)
        digest = _digest(model_text, metadata)
        existing = next((v for v in self.versions() if v.endswith(digest)), None)
        version = existing or f"v{len(self.versions()) + 1:04d}-{digest}"
        target = self.folder / version

        if existing is None:
            staging = Path(tempfile.mkdtemp(prefix=".incoming-", dir=self.folder))
            (staging / MODEL_FILE).write_text(model_text)
            (staging / METADATA_FILE).write_text(
                json.dumps({**metadata, "version": version, "saved_at": _now()}, indent=2,
                           default=str)
            )
            validation.to_parquet(staging / VALIDATION_FILE, index=False)
            staging.rename(target)
        self._write_json(CURRENT_FILE, {"version": version})
        return self.load(version)

    def versions(self) -> list[str]:
        """Every kept version, oldest first."""
        if not self.folder.exists():
            return []
        return sorted(p.name for p in self.folder.iterdir()
                      if p.is_dir() and (p / METADATA_FILE).exists())

    def load(self, version: str) -> StoredModel:
        folder = self.folder / version
        if not (folder / METADATA_FILE).exists():
            raise NoModelError(f"no model version {version!r} in {self.folder}")
        return StoredModel(version, folder, json.loads((folder / METADATA_FILE).read_text()))

    def find(self, name: str) -> StoredModel:
        """The version called `name`, or the one version whose name begins with it, so that a
        person can type `v0003` for `v0003-1a2b3c4d5e6f`."""
        kept = self.versions()
        matches = [name] if name in kept else [v for v in kept if v.startswith(name)]
        if len(matches) != 1:
            found = "no version" if not matches else f"{len(matches)} versions"
            raise NoModelError(f"{found} in {self.folder} match {name!r}; kept: "
                               f"{', '.join(kept) or 'none'}")
        return self.load(matches[0])

    def current(self) -> StoredModel:
        pointer = self.folder / CURRENT_FILE
        if not pointer.exists():
            raise NoModelError(
                f"no current model in {self.folder}: materialize model/churn_model first"
            )
        return self.load(json.loads(pointer.read_text())["version"])

    def previous(self, version: str) -> StoredModel | None:
        """The version kept just before `version`, the baseline a new one is judged against."""
        kept = self.versions()
        index = kept.index(version) if version in kept else len(kept)
        return self.load(kept[index - 1]) if index > 0 else None

    def _write_json(self, name: str, data: dict[str, Any]) -> None:
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
        with os.fdopen(handle, "w") as out:
            json.dump(data, out)
        Path(temporary).replace(self.folder / name)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _digest(model_text: str, metadata: dict[str, Any]) -> str:
    identity = json.dumps({k: metadata.get(k) for k in IDENTITY_KEYS}, sort_keys=True,
                          default=str)
    return hashlib.sha256(model_text.encode() + identity.encode()).hexdigest()[:12]
