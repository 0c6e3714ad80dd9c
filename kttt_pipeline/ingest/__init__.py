"""Extract: read what arrives (district returns, tax register, province workbook, targets) into staging rows."""
