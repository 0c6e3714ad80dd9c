"""The Great Expectations (1.x) expectations a table's rows of one province's period meet, from the schema.

Validated a period at a time (the rows of one ``province_code`` and ``period``, the batch keys), a table expects:

* each unique constraint, less the batch keys, to be unique (``unique (province_code, period, coop_key)``:
  ``coop_key`` unique);
* its NOT NULL columns not null;
* each column's value set (:mod:`kttt_pipeline.schema.value_sets`): in the vocabulary's codes, matching the
  pattern, at least the bound;
* the counts and money read from a return that are not ``signed`` (vocab/fields.csv) at least 0 (§7.6 quarantines
  the rows where they are not).

Rules that are not a column's (a range that holds for some indicators only, the statuses of a file the extract
stage decides) are the quality suite's own, beside these (:mod:`kttt_pipeline.quality.warehouse_suite`).
"""

from __future__ import annotations

from kttt_pipeline.schema.catalog import Column, Table

#: the columns a period's batch is selected by (the same in every row of it)
BATCH_KEYS = ("province_code", "period")


def non_negative(column: Column) -> bool:
    """A count or money read from a return that cannot be negative (a profit can: ``signed``)."""
    f = column.field
    return f is not None and f.kind in ("count", "money") and f.origin == "read" and not f.signed


def table_expectations(table: Table) -> list:
    """The GX expectations of one table's batch (great_expectations is imported on the first call)."""
    import great_expectations as gx

    E = gx.expectations
    out: list = []
    for ix in table.indexes:
        columns = [c for c in ix.columns if c not in BATCH_KEYS]
        if ix.unique and len(columns) == 1:
            out.append(E.ExpectColumnValuesToBeUnique(column=columns[0]))
        elif ix.unique and columns:
            out.append(E.ExpectCompoundColumnsToBeUnique(column_list=columns))
    surrogate = table.primary_key if len(table.primary_key) == 1 else ()
    for c in table.columns:
        if c.name in BATCH_KEYS or c.name in surrogate:
            continue
        if not c.nullable:
            out.append(E.ExpectColumnValuesToNotBeNull(column=c.name))
        vs = c.values
        if vs is not None and vs.vocabulary:
            out.append(E.ExpectColumnValuesToBeInSet(column=c.name, value_set=vs.codes()))
        elif vs is not None and vs.pattern is not None:
            out.append(E.ExpectColumnValuesToMatchRegex(column=c.name, regex=vs.pattern))
        elif vs is not None:
            out.append(E.ExpectColumnValuesToBeBetween(column=c.name, min_value=vs.min_value))
        elif non_negative(c):
            out.append(E.ExpectColumnValuesToBeBetween(column=c.name, min_value=0))
    return out
