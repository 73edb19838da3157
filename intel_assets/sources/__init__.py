"""The raw layer: each tool's native export files parsed, validated and loaded into DuckDB."""
