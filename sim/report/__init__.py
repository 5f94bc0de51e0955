"""Reports: one self-contained HTML page per output directory (`minsim report DIR`)."""

from sim.report.build import REPORT, build_report

__all__ = ["REPORT", "build_report"]
