"""Stage 5, publish: the appendix workbook, the figures paragraph and the charts, read from the warehouse."""
