"""Figures: the only package that imports matplotlib. Functions take result tables and return or
save figures; no backend is set at import."""
