"""Where intel-assets keeps its files.

One place decides every path so that the CLI, the Dagster definitions and the tests agree.
`INTEL_HOME` moves everything at once; each path can also be moved on its own.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt"
INSTANCE_TEMPLATE = PROJECT_ROOT / "dagster.yaml"

ENV_HOME = "INTEL_HOME"
ENV_LANDING = "INTEL_LANDING_DIR"
ENV_WAREHOUSE = "INTEL_WAREHOUSE"
ENV_DAGSTER_HOME = "DAGSTER_HOME"
ENV_STACK = "INTEL_STACK"


@dataclass(frozen=True)
class Paths:
    """The folders and files one installation of intel-assets reads and writes."""

    home: Path
    landing: Path
    warehouse: Path
    dagster_home: Path
    stack_file: Path | None

    @property
    def saved_stack(self) -> Path:
        """The stack the last `intel demo --stack` chose, used when INTEL_STACK is unset."""
        return self.home / "stack.yaml"

    @property
    def models(self) -> Path:
        """Every trained model version, kept so that any two can be compared."""
        return self.home / "models"

    @property
    def ground_truth(self) -> Path:
        """The demo's answer key, kept beside (never inside) the landing folder."""
        return self.home / "demo_truth"


def resolve_paths(environ: dict[str, str] | None = None) -> Paths:
    """Reads the environment once; explicit variables win over `INTEL_HOME`."""
    env = os.environ if environ is None else environ
    home = Path(env.get(ENV_HOME) or PROJECT_ROOT / ".intel").expanduser().resolve()
    stack = env.get(ENV_STACK)
    if not stack and (home / "stack.yaml").exists():
        stack = str(home / "stack.yaml")
    return Paths(
        home=home,
        landing=Path(env.get(ENV_LANDING) or home / "landing").expanduser().resolve(),
        warehouse=Path(env.get(ENV_WAREHOUSE) or home / "warehouse.duckdb").expanduser().resolve(),
        dagster_home=Path(env.get(ENV_DAGSTER_HOME) or home / "dagster").expanduser().resolve(),
        stack_file=Path(stack).expanduser().resolve() if stack else None,
    )
