"""A publication reads the earlier periods a dozen times (digests, identities, the trend): within
``history.tables_reflected_once`` (publish_period holds it) the warehouse's tables are reflected once per database,
and read afresh outside it (a schema changed later is seen)."""

from __future__ import annotations

from sqlalchemy import create_engine, text

from kttt_pipeline.warehouse import history


def test_tables_are_reflected_once_within_the_block_and_afresh_outside(warehouse_url):
    engine = create_engine(warehouse_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE rpt_indicator (province_code VARCHAR(8), period VARCHAR(8))"))
        with history.tables_reflected_once():
            first = history._reflect(engine)
            assert set(first) == {"rpt_indicator"}
            with engine.begin() as conn:
                conn.execute(text("CREATE TABLE period_status (province_code VARCHAR(8), period VARCHAR(8))"))
            assert history._reflect(engine) is first  # not reflected again
            with engine.connect() as conn:
                assert history._reflect(conn) is first  # a connection of the same database
            assert history.loaded_periods(engine) == []  # the readers use them
        assert set(history._reflect(engine)) == {"rpt_indicator", "period_status"}  # outside: read afresh
        with history.tables_reflected_once():  # a new block starts empty
            assert set(history._reflect(engine)) == {"rpt_indicator", "period_status"}
    finally:
        engine.dispose()
