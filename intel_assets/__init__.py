"""intel-assets: every tool's slice of the customer joined into one, as a Dagster asset graph."""

__version__ = "0.1.0"
