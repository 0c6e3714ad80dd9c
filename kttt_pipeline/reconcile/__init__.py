"""Reconcile: the written rules of spec §7 as plain functions over DataFrames."""
