"""The detectors every insight run consults, one per family of finding."""

from __future__ import annotations

from intel_assets.insights import (
    anomaly,
    contradiction,
    invisible_cohort,
    leading_indicator,
    wrong_signal,
)
from intel_assets.insights.candidate import Detector

DETECTORS: tuple[tuple[str, Detector], ...] = (
    ("wrong_signal", wrong_signal.detect),
    ("invisible_cohort", invisible_cohort.detect),
    ("leading_indicator", leading_indicator.detect),
    ("contradiction", contradiction.detect),
    ("anomaly", anomaly.detect),
)
