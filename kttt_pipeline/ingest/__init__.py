"""Extract: read what arrives (unit returns, tax register, province workbook, targets) into staging rows."""
