"""Exporters: each writes one tool's native export files from a world chunk."""
