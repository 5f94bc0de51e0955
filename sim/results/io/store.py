"""The work directory of a run, `DIR.partial/`: replications are folded into it one by one, in
replication order, and it becomes the output directory `DIR` only when complete.

Layout of `DIR.partial/`:
- `plan.json` — what was asked (scenario, seed, reps, options): enough to resume.
- `summary.csv`, `events.csv`, `parameters.csv` — rows appended per replication.
- `ts/buyer-NNNNN.parquet`, `ts/lane-NNNNN.parquet` — segments of per-replication time series
  (only with `timeseries="full"`), one pair per checkpoint interval.
- `extra/` — files copied as they are (e.g. `scenario.resolved.yaml`).
- `state/checkpoint.json` + `state/arrays-K.npz` — after K folded replications: file sizes,
  finished segments, band sketch, flow sums, per-buyer shortage totals.

Memory does not grow with the number of replications (apart from one float per replication and
buyer, for `--reps auto`); see `sim.results.sketch` for the bands. The final files are assembled
from the work directory, so a resumed run ends with the same bytes as an uninterrupted one.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.results.bands import FlowKey, add_flows
from sim.results.digest import BAND_VARIABLES, Digest, Layout, MonthlyKey
from sim.results.io.atomic import replace_dir
from sim.results.io.contract import (
    BANDS,
    EVENTS,
    FLOAT_FORMAT,
    FLOWS,
    FLOWS_MONTHLY,
    MANIFEST,
    PARAMETERS,
    RUN_FILES,
    SHORTAGE_FIGURE,
    SUMMARY,
    TIMESERIES,
    confined,
    write_json,
)
from sim.results.io.lock import DirLock
from sim.results.io.monthly import write_flows_monthly
from sim.results.io.parquet import write_bands, write_flows, write_parameters, write_timeseries
from sim.results.io.risk import RiskTable, write_risk
from sim.results.sketch import BandSketch

PLAN = "plan.json"
APPENDED = ("summary.csv", "events.csv", "parameters.csv")  # rows appended per replication
#: Draws the shortage figure of a run: bands table, title, PNG path (see `sim.plotting`).
ShortageFigure = Callable[[pd.DataFrame, str, Path], None]


def partial_dir(out: Path) -> Path:
    """The work directory of output directory `out`."""
    return out.with_name(out.name + ".partial")


class RunStore:
    """Folds digests in replication order into `DIR.partial/`; `finish` makes `DIR`."""

    def __init__(self, out: Path, layout: Layout, plan: dict[str, Any]) -> None:
        self.out = Path(out)
        self.work = partial_dir(self.out)
        self.layout = layout
        self.plan = plan
        self.first = int(plan.get("first", 0))
        self.timeseries = plan.get("timeseries") == "full"
        self.folded = 0
        self.busy = False  # inside `fold`: state may be half-updated, do not checkpoint
        series = len(layout.series)
        groups = np.repeat(np.arange(len(BAND_VARIABLES) * series), layout.days)
        self.sketch = BandSketch(layout.cells, groups)
        self.flows: dict[FlowKey, np.ndarray] = {}
        self.months = layout.months()[0]
        self.monthly: dict[MonthlyKey, list[np.ndarray]] = {}  # per replication, in order
        self.buyers = sorted({b for b, _ in layout.series})
        self.totals: list[np.ndarray] = []
        self.segments: list[str] = []
        self._writers: dict[str, pq.ParquetWriter] = {}
        self._files: dict[str, Any] = {}
        self._saved = time.monotonic()
        self._lock = DirLock(self.out)

    # --- opening -------------------------------------------------------------------------------
    @classmethod
    def create(
        cls, out: Path, layout: Layout, plan: dict[str, Any], files: dict[str, str] | None = None
    ) -> RunStore:
        """A fresh work directory (replacing any left by an earlier run); `files` (name → text)
        are copied into the output directory as they are."""
        store = cls(out, layout, plan)
        store._lock.acquire()
        if store.work.exists():
            shutil.rmtree(store.work)
        for sub in ("state", "ts", "extra"):
            (store.work / sub).mkdir(parents=True)
        for name, text in (files or {}).items():
            (store.work / "extra" / name).write_text(text, encoding="utf-8")
        write_json(store.work / PLAN, plan)
        store.checkpoint()
        return store

    @classmethod
    def reopen(cls, out: Path, layout: Layout) -> RunStore:
        """Continue from the last checkpoint of `out`'s work directory."""
        work = partial_dir(Path(out))
        store = cls(out, layout, read_plan(out))
        store._lock.acquire()
        try:
            store._restore(work)
        except BaseException:
            store.close()
            raise
        return store

    def _restore(self, work: Path) -> None:
        """Load the state of the last checkpoint of `work`."""
        store = self
        check = json.loads((work / "state" / "checkpoint.json").read_text())
        store.folded = int(check["folded"])
        store.segments = list(check["segments"])
        for name in store.segments:  # names read back from the checkpoint stay inside work/
            confined(work / "ts", name)
        confined(work / "state", str(check["arrays"]))
        for name in APPENDED:
            with open(work / name, "ab") as fh:
                fh.truncate(int(check["bytes"].get(name, 0)))
        for seg in (work / "ts").iterdir():
            if seg.name not in store.segments:
                seg.unlink()
        with np.load(work / "state" / check["arrays"]) as z:
            arrays = {k: z[k] for k in z.files}
        store.sketch.restore({k[5:]: v for k, v in arrays.items() if k.startswith("band_")})
        keys: list[FlowKey] = [(o, d, c) for o, d, c in check["flow_keys"]]
        store.flows = {k: arrays["flows"][i].copy() for i, k in enumerate(keys)}
        store.totals = list(arrays["totals"])
        monthly_keys: list[MonthlyKey] = [(b, o, d, c) for b, o, d, c in check["monthly_keys"]]
        store.monthly = {k: list(arrays["monthly"][i]) for i, k in enumerate(monthly_keys)}

    # --- folding -------------------------------------------------------------------------------
    def fold(self, d: Digest) -> None:
        """Add the next replication (they must come in order)."""
        expected = self.first + self.folded
        if d.replication != expected:
            raise ValueError(f"replication {d.replication} folded out of order (want {expected})")
        self.busy = True
        self.sketch.add(d.values.reshape(-1))
        add_flows(self.flows, d.flows)
        none = np.zeros(len(self.months))
        for mkey in d.monthly.keys() - self.monthly.keys():  # first seen: zero before
            self.monthly[mkey] = [none] * self.folded
        for mkey, per in self.monthly.items():
            per.append(d.monthly.get(mkey, none))
        totals = np.zeros(len(self.buyers))
        where = np.searchsorted(self.buyers, d.summary["buyer"].to_numpy(dtype=str))
        np.add.at(totals, where, d.summary["shortage_t"].to_numpy(dtype=float))
        self.totals.append(totals)
        header = self.folded == 0
        self._append(
            "summary.csv", d.summary.to_csv(index=False, header=header, float_format=FLOAT_FORMAT)
        )
        self._append(
            "events.csv", d.events.to_csv(index=False, header=header, float_format=FLOAT_FORMAT)
        )
        self._append("parameters.csv", d.parameters.to_csv(index=False, header=header))
        if self.timeseries and d.buyer_rows is not None and d.lane_rows is not None:
            self._segment("buyer", d.buyer_rows)
            self._segment("lane", d.lane_rows)
        self.folded += 1
        self.busy = False

    def _append(self, name: str, text: str) -> None:
        f = self._files.get(name)
        if f is None:
            f = self._files[name] = open(self.work / name, "ab")
        f.write(text.encode("utf-8"))

    def _segment(self, kind: str, table: pa.Table) -> None:
        w = self._writers.get(kind)
        if w is None:
            name = f"{kind}-{len(self.segments) // 2:05d}.parquet"
            w = self._writers[kind] = pq.ParquetWriter(self.work / "ts" / name, table.schema)
        w.write_table(table)

    # --- checkpoints ---------------------------------------------------------------------------
    def maybe_checkpoint(self, every_s: float) -> None:
        """Checkpoint if `every_s` seconds have passed since the last one."""
        if time.monotonic() - self._saved >= every_s:
            self.checkpoint()

    def checkpoint(self) -> None:
        """Make everything folded so far durable; a later `reopen` continues from here."""
        for f in self._files.values():
            f.flush()
            os.fsync(f.fileno())
        seg = len(self.segments) // 2
        for kind in ("buyer", "lane"):
            w = self._writers.pop(kind, None)
            if w is not None:
                w.close()
        if (self.work / "ts" / f"buyer-{seg:05d}.parquet").exists():
            self.segments += [f"buyer-{seg:05d}.parquet", f"lane-{seg:05d}.parquet"]
        keys = sorted(self.flows)
        arrays = {f"band_{k}": v for k, v in self.sketch.state().items()}
        arrays["flows"] = np.zeros((len(keys), self.layout.days))
        for i, k in enumerate(keys):
            arrays["flows"][i] = self.flows[k]
        arrays["totals"] = self.shortage_totals()
        monthly_keys = sorted(self.monthly)
        arrays["monthly"] = np.zeros((len(monthly_keys), self.folded, len(self.months)))
        for i, mk in enumerate(monthly_keys):
            if self.folded:
                arrays["monthly"][i] = np.array(self.monthly[mk])
        state = self.work / "state"
        name = f"arrays-{self.folded:06d}.npz"
        np.savez(state / f"{name}.tmp.npz", **arrays)  # type: ignore[arg-type]
        os.replace(state / f"{name}.tmp.npz", state / name)
        sizes = {
            n: (self.work / n).stat().st_size if (self.work / n).exists() else 0 for n in APPENDED
        }
        check = {
            "folded": self.folded,
            "bytes": sizes,
            "segments": self.segments,
            "arrays": name,
            "flow_keys": [list(k) for k in keys],
            "monthly_keys": [list(k) for k in monthly_keys],
        }
        write_json(state / "checkpoint.json", check)
        for f in state.glob("arrays-*.npz"):
            if f.name != name:
                f.unlink()
        self._saved = time.monotonic()

    def close(self) -> None:
        """Close open files (after a failure: the last checkpoint stays valid)."""
        for f in self._files.values():
            f.close()
        self._files.clear()
        for w in self._writers.values():
            w.close()
        self._writers.clear()
        self._lock.release()

    # --- results -------------------------------------------------------------------------------
    def shortage_totals(self) -> np.ndarray:
        """Total shortage (t, all commodities) per replication × buyer, buyers sorted."""
        if not self.totals:
            return np.zeros((0, len(self.buyers)))
        return np.array(self.totals)

    def files(self, figure: bool = True) -> list[str]:
        """The files the finished output directory will hold (see `contract.RUN_FILES`); the
        shortage figure only with `figure`."""
        files = [f for f in RUN_FILES if figure or f != SHORTAGE_FIGURE]
        files += [TIMESERIES] if self.timeseries else []
        return files + [f.name for f in (self.work / "extra").iterdir()]

    def finish(
        self,
        manifest: dict[str, Any],
        figure: ShortageFigure | None = None,
        risk: RiskTable | None = None,
    ) -> Path:
        """Write the output directory from the work directory (the shortage PNG drawn by
        `figure`, risk.csv computed by `risk` from the finished files) and remove the work
        directory."""
        self.checkpoint()
        self.close()
        final = self.work / "final"
        if final.exists():
            shutil.rmtree(final)
        (final / "figures").mkdir(parents=True)
        for name in (SUMMARY, EVENTS):
            shutil.copyfile(self.work / name, final / name)
        for f in sorted((self.work / "extra").iterdir()):
            shutil.copyfile(f, final / f.name)
        if self.timeseries:
            parts = [self.work / "ts" / s for s in self.segments]
            write_timeseries(
                [p for p in parts if p.name.startswith("buyer")]
                + [p for p in parts if p.name.startswith("lane")],
                final / TIMESERIES,
            )
        bands = write_bands(self.sketch, self.layout, final / BANDS)
        write_flows(self.flows, self.folded, self.layout.start, final / FLOWS)
        write_parameters(self.work / "parameters.csv", final / PARAMETERS)
        write_flows_monthly(
            {k: np.array(v) for k, v in self.monthly.items()}, self.months, final / FLOWS_MONTHLY
        )
        if figure is not None:
            title = f"{self.layout.scenario} (n={self.folded})"
            figure(bands, title, final / SHORTAGE_FIGURE)
        if risk is not None:
            write_risk(final, risk(final))
        write_json(final / MANIFEST, manifest)
        replace_dir(final, self.out)
        shutil.rmtree(self.work, ignore_errors=True)
        self._lock.release()
        return self.out


def read_plan(out: Path) -> dict[str, Any]:
    """The plan of `out`'s work directory (FileNotFoundError if there is nothing to resume)."""
    path = partial_dir(Path(out)) / PLAN
    if not path.exists():
        raise FileNotFoundError(f"nothing to resume: {path} does not exist")
    plan: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return plan
