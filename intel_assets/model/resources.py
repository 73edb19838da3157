"""The model store as a Dagster resource, so the folder is set once with the other paths."""

from pathlib import Path

import dagster as dg

from intel_assets.model.versions import ModelStore


class ModelFolder(dg.ConfigurableResource):
    """Where every trained model version is kept (`$INTEL_HOME/models` by default)."""

    root: str

    def store(self, name: str = "churn") -> ModelStore:
        return ModelStore(Path(self.root), name)
