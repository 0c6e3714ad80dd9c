"""Dagster assets, one module per stage: raw files → staging → reconciled → warehouse → reports."""

from .raw_files import raw_return_files
from .reconciled import reconciled_period
from .reports import published_reports
from .staging import staged_returns
from .warehouse import warehouse_period

ALL_ASSETS = [raw_return_files, staged_returns, reconciled_period, warehouse_period, published_reports]
