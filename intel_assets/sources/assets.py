"""One Dagster asset per raw object of the stack's tools, grouped by source family."""


from collections.abc import Sequence
from pathlib import Path

import dagster as dg
from dagster import AssetExecutionContext

from intel_assets.resources import WAREHOUSE_POOL, Warehouse
from intel_assets.sources.catalog import stack_objects
from intel_assets.sources.loader import QUARANTINE, LoadReport, load_object
from intel_assets.sources.spec import RawObject
from intel_assets.stack import Stack

QUARANTINE_PREVIEW_ROWS = 10


def raw_assets(stack: Stack, landing_root: Path) -> list[dg.AssetsDefinition]:
    return [
        raw_asset(obj, stack.landing_dir(obj.tool, landing_root)) for obj in stack_objects(stack)
    ]


def raw_asset(obj: RawObject, folder: Path) -> dg.AssetsDefinition:
    """The asset that loads an object's new landing files into `raw.<tool>_<object>`."""

    @dg.asset(
        key=dg.AssetKey(obj.asset_path),
        group_name=f"raw_{obj.family}",
        kinds={"duckdb", obj.tool},
        description=f"{obj.description} Loaded from {folder}.",
        pool=WAREHOUSE_POOL,
        tags={"family": obj.family, "tool": obj.tool},
        metadata={
            "dagster/column_schema": _schema(obj),
            "dagster/table_name": f"raw.{obj.table}",
            "landing_folder": dg.MetadataValue.path(str(folder)),
        },
    )
    def _raw(context: AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        with warehouse.connection() as con:
            report = load_object(con, obj, folder)
            preview = _quarantine_preview(con, obj, report)
        _log(context, obj, report, folder)
        if report.unreadable:
            raise dg.Failure(
                description="; ".join(str(e) for e in report.unreadable),
                metadata=_metadata(report, preview),
            )
        return dg.MaterializeResult(metadata=_metadata(report, preview))

    return _raw


def _schema(obj: RawObject) -> dg.TableSchema:
    return dg.TableSchema(
        columns=[
            dg.TableColumn(
                c.name,
                c.duckdb_type,
                description=c.description or f"From `{c.path}`.",
                constraints=dg.TableColumnConstraints(nullable=not c.required),
            )
            for c in obj.columns
        ]
    )


def _quarantine_preview(con, obj: RawObject, report: LoadReport) -> str | None:
    """The first quarantined rows of this load, as Markdown, for the asset's page."""
    if not report.rows_quarantined:
        return None
    files = [f.path for f in report.loaded if f.rows_quarantined]
    placeholders = ", ".join("?" for _ in files)
    rows = con.execute(
        f"SELECT source_file, row_number, field, reason FROM {QUARANTINE} "
        f"WHERE table_name = ? AND source_file IN ({placeholders}) "
        f"ORDER BY source_file, row_number LIMIT {QUARANTINE_PREVIEW_ROWS}",
        [obj.table, *files],
    ).fetchall()
    lines = ["| file | row | field | reason |", "|---|---|---|---|"]
    lines += [f"| {f} | {r} | {fld or ''} | {why} |" for f, r, fld, why in rows]
    return "\n".join(lines)


def _metadata(report: LoadReport, preview: str | None) -> dict[str, dg.MetadataValue]:
    metadata: dict[str, dg.MetadataValue] = {
        "rows_loaded": dg.MetadataValue.int(report.rows_loaded),
        "rows_quarantined": dg.MetadataValue.int(report.rows_quarantined),
        "files_seen": dg.MetadataValue.int(report.files_seen),
        "files_loaded": dg.MetadataValue.int(len(report.loaded)),
        "files_skipped": dg.MetadataValue.int(report.files_skipped),
        "files_unreadable": dg.MetadataValue.int(len(report.unreadable)),
        "dagster/row_count": dg.MetadataValue.int(report.total_rows),
    }
    if preview:
        metadata["quarantine_preview"] = dg.MetadataValue.md(preview)
    return metadata


def _log(
    context: AssetExecutionContext, obj: RawObject, report: LoadReport, folder: Path
) -> None:
    context.log.info(
        f"{obj.table}: {report.rows_loaded} rows from {len(report.loaded)} new file(s) in "
        f"{folder}; {report.files_skipped} file(s) already loaded; "
        f"{report.rows_quarantined} row(s) quarantined in {QUARANTINE}"
    )
    for error in report.unreadable:
        context.log.error(str(error))


def raw_asset_keys(assets: Sequence[dg.AssetsDefinition]) -> list[dg.AssetKey]:
    return [key for asset in assets for key in asset.keys]
