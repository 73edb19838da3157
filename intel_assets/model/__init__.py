"""The churn-risk model: point-in-time training, calibration, per-customer drivers, versions."""
