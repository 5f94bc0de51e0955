"""Policies in a running model: one module per kind, each runtime declaring its scenario type
and capabilities; `registry` discovers them."""
