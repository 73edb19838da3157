"""The two clocks: a daily rebuild of everything (for sources with no files to watch, and
as a safety net), and a weekly retrain of the scheduled-only assets, launchable on demand.

Scoring is not scheduled: it follows every refresh of the marts and of the model through
the refresh condition.
"""

from __future__ import annotations

from collections.abc import Sequence

import dagster as dg

from intel_assets.automation.conditions import is_refreshed_automatically

DAILY_REBUILD_CRON = "0 3 * * *"
WEEKLY_RETRAIN_CRON = "0 4 * * 1"
REBUILD_JOB = "rebuild_everything"
RETRAIN_JOB = "retrain_churn_model"


def _scheduled_only_keys(assets: Sequence[dg.AssetsDefinition]) -> list[dg.AssetKey]:
    return [
        spec.key
        for asset in assets
        for spec in asset.specs
        if spec.key.path[0] != "raw" and not is_refreshed_automatically(spec)
    ]


def jobs_and_schedules(
    assets: Sequence[dg.AssetsDefinition],
) -> tuple[list[dg.UnresolvedAssetJobDefinition], list[dg.ScheduleDefinition]]:
    """The rebuild job and schedule, and the retrain job and schedule when the graph holds
    a scheduled-only asset (the retrain job is how training is run on demand)."""
    retrained = _scheduled_only_keys(assets)
    rebuild = dg.define_asset_job(
        REBUILD_JOB,
        selection=dg.AssetSelection.all() - dg.AssetSelection.assets(*retrained),
        description="Every raw load, dbt model, score and insight, from the files now landed.",
        tags={"intel/trigger": "schedule"},
    )
    jobs = [rebuild]
    schedules = [
        dg.ScheduleDefinition(
            name="daily_rebuild", job=rebuild, cron_schedule=DAILY_REBUILD_CRON,
            execution_timezone="UTC", default_status=dg.DefaultScheduleStatus.RUNNING,
        )
    ]
    if retrained:
        retrain = dg.define_asset_job(
            RETRAIN_JOB,
            selection=dg.AssetSelection.assets(*retrained),
            description="Retrains the churn model; scores and insights follow by themselves.",
            tags={"intel/trigger": "schedule"},
        )
        jobs.append(retrain)
        schedules.append(
            dg.ScheduleDefinition(
                name="weekly_retrain", job=retrain, cron_schedule=WEEKLY_RETRAIN_CRON,
                execution_timezone="UTC", default_status=dg.DefaultScheduleStatus.RUNNING,
            )
        )
    return jobs, schedules
