"""Cross-source insights: detectors, false-discovery control, ranking and history."""
