"""The SQL that pulls typed columns out of JSON records and says what is wrong with each row.

All of it runs inside DuckDB in one pass over a batch: a record is parsed once for all its
paths, every column is cast with TRY_CAST so that a bad value becomes a reason instead of an
exception, and the reasons name the field that failed.
"""

from __future__ import annotations

from intel_assets.sources.spec import Column

# Epoch values outside 1990-01-01 .. 2100-01-01 are taken as unit mistakes (ms sent as s).
_EPOCH_FLOOR_S = 631_152_000
_EPOCH_CEILING_S = 4_102_444_800


def json_path(path: str) -> str:
    """Turns a dotted column path into a DuckDB JSON path literal."""
    return "'$." + path.replace("'", "''") + "'"


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _typed(column: Column, value: str, record: str) -> str:
    """The SQL expression that casts one extracted value; NULL where it cannot be cast."""
    kind = column.kind
    if kind == "string":
        return value
    if kind == "integer":
        # TRY_CAST alone would round "9.5" to 10: only whole numbers are integers.
        return (
            f"CASE WHEN regexp_full_match(trim({value}), '[-+]?[0-9]+') "
            f"THEN TRY_CAST({value} AS BIGINT) END"
        )
    if kind == "float":
        return f"TRY_CAST({value} AS DOUBLE)"
    if kind == "decimal":
        return f"TRY_CAST({value} AS DECIMAL(20, 6))"
    if kind == "boolean":
        # Spreadsheets and CRMs also write Yes/No and TRUE/FALSE.
        return (
            f"CASE lower(trim({value})) WHEN 'true' THEN true WHEN '1' THEN true "
            f"WHEN 'yes' THEN true WHEN 'false' THEN false WHEN '0' THEN false "
            f"WHEN 'no' THEN false END"
        )
    if kind in ("epoch_s", "epoch_ms"):
        seconds = f"TRY_CAST({value} AS DOUBLE)" + (" / 1000.0" if kind == "epoch_ms" else "")
        return (
            f"CASE WHEN {seconds} BETWEEN {_EPOCH_FLOOR_S} AND {_EPOCH_CEILING_S} "
            f"THEN make_timestamp(CAST(round({seconds} * 1000000) AS BIGINT)) END"
        )
    if kind == "timestamp":
        return f"(TRY_CAST({value} AS TIMESTAMPTZ) AT TIME ZONE 'UTC')"
    if kind == "date":
        return (
            f"coalesce(TRY_CAST({value} AS DATE), "
            f"CAST(TRY_CAST({value} AS TIMESTAMPTZ) AT TIME ZONE 'UTC' AS DATE))"
        )
    if kind == "ymd":
        parts = [
            f"TRY_CAST(json_extract_string({record}, {json_path(column.path + '.' + p)}) AS INT)"
            for p in ("year", "month", "day")
        ]
        return f"TRY_CAST(printf('%04d-%02d-%02d', {', '.join(parts)}) AS DATE)"
    if kind == "json":
        return f"json_extract({record}, {json_path(column.path)})"
    raise ValueError(f"column {column.name}: unknown kind {kind!r}")


def _problem(column: Column, value: str, value_type: str, typed: str) -> str:
    """The SQL expression giving why a column's value is unacceptable, or NULL."""
    checks = []
    if column.required:
        checks.append(f"WHEN {value} IS NULL THEN 'missing required field'")
    if column.kind not in ("json", "ymd"):
        checks.append(
            f"WHEN {value_type} IN ('OBJECT', 'ARRAY') "
            f"THEN 'expected {column.kind}, found ' || lower({value_type})"
        )
    if column.kind != "string":
        checks.append(
            f"WHEN {value} IS NOT NULL AND {typed} IS NULL "
            f"THEN 'unparsable {column.kind}: ' || left({value}, 80)"
        )
    if column.minimum is not None or column.maximum is not None:
        low = "-inf" if column.minimum is None else column.minimum
        high = "inf" if column.maximum is None else column.maximum
        bounds = []
        if column.minimum is not None:
            bounds.append(f"{typed} < {column.minimum}")
        if column.maximum is not None:
            bounds.append(f"{typed} > {column.maximum}")
        checks.append(
            f"WHEN {' OR '.join(bounds)} "
            f"THEN 'out of range [{low}, {high}]: ' || left({value}, 80)"
        )
    if not checks:
        return "NULL"
    return "CASE " + " ".join(checks) + " END"


def checked_records_sql(columns: tuple[Column, ...], source: str) -> str:
    """A SELECT over `source` (file_index, row_number, text, error) giving typed columns plus
    `_field` (the first failing field) and `_reason` (every problem of the row)."""
    paths = ", ".join(json_path(c.path) for c in columns)
    typed_exprs = []
    problems = []
    for position, column in enumerate(columns, start=1):
        value = f"_values[{position}]"
        value_type = f"_types[{position}]"
        typed = _typed(column, value, "text")
        typed_exprs.append(f"{typed} AS {quoted(column.name)}")
        problems.append(
            f"{_problem(column, value, value_type, typed)} AS {quoted('_p_' + column.name)}"
        )

    problem_names = [quoted("_p_" + c.name) for c in columns]
    reasons = ", ".join(f"'{c.name}: ' || {p}" for c, p in zip(columns, problem_names))
    first_field = ", ".join(
        f"CASE WHEN {p} IS NOT NULL THEN '{c.name}' END" for c, p in zip(columns, problem_names)
    )
    column_names = ", ".join(quoted(c.name) for c in columns)
    return f"""
WITH parsed AS (
    SELECT file_index, row_number, text, error,
           CASE WHEN error IS NULL AND json_valid(text) THEN json_type(text) END AS _record_type
    FROM {source}
),
objects AS (
    SELECT file_index, row_number, text,
           json_extract_string(text, [{paths}]) AS _values,
           json_type(text, [{paths}]) AS _types
    FROM parsed WHERE _record_type = 'OBJECT'
),
typed AS (
    SELECT file_index, row_number, text, {", ".join(typed_exprs)}, {", ".join(problems)}
    FROM objects
)
SELECT file_index, row_number, text, {column_names},
       coalesce({first_field}) AS _field,
       nullif(concat_ws('; ', {reasons}), '') AS _reason
FROM typed
UNION ALL
SELECT file_index, row_number, text, {", ".join("NULL" for _ in columns)},
       NULL AS _field,
       CASE WHEN error IS NOT NULL THEN error
            WHEN _record_type IS NULL THEN 'not valid JSON'
            ELSE 'expected a JSON object, found ' || lower(_record_type) END AS _reason
FROM parsed WHERE _record_type IS DISTINCT FROM 'OBJECT'
"""
