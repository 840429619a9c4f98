#!/usr/bin/env python3
"""The ledger's import of a 200,000-row records CSV (10,000 staff x 20) beside sqlite3's raw
`.import` of the same file, in the same run (issue 14: <= 2x the time, <= 150 MB peak RSS).

usage: import_side_by_side.py PATH/TO/ce-ledger [RUNS]
Each run imports into a fresh copy of a ledger that holds the roster; the figures are medians.
(The ledger is a SQLCipher file since issue 26: what encryption itself costs is measured by
benches/encryption.rs.)
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

STAFF, PER_PERSON, YEAR = 10_000, 20, 2025


def timed(argv, env=None):
    """Wall seconds and peak RSS (MB) of one child process."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    err = child.stderr.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{argv[0]} failed: {err}")
    return seconds, usage.ru_maxrss / 1024


def main():
    cli = os.path.abspath(sys.argv[1])
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    with tempfile.TemporaryDirectory(prefix="ce-import-bench-") as d:
        env = dict(os.environ, CE_LEDGER_KEY_DIR=os.path.join(d, "keys"))
        subprocess.run(
            [cli, "demo", "--files-only", d, "--staff", str(STAFF),
             "--records-per-person", str(PER_PERSON), "--year", str(YEAR)],
            check=True, stdout=subprocess.DEVNULL)
        staff_csv = os.path.join(d, "sample-staff.csv")
        records_csv = os.path.join(d, "sample-records.csv")
        base = os.path.join(d, "base.sqlite3")
        subprocess.run([cli, "--db", base, "staff", "import", staff_csv],
                       check=True, env=env, stdout=subprocess.DEVNULL)
        ours, raw = [], []
        for i in range(runs):
            ledger = os.path.join(d, f"run{i}.sqlite3")
            shutil.copy(base, ledger)
            shutil.copy(base + ".anchor", ledger + ".anchor")
            ours.append(timed([cli, "--db", ledger, "records", "import", records_csv], env))
            table = os.path.join(d, f"raw{i}.db")
            raw.append(timed(["sqlite3", table, f".import --csv {records_csv} record"]))
        size = os.path.getsize(records_csv) / 1e6
        med = lambda xs, k: statistics.median(x[k] for x in xs)
        print(f"records CSV: {STAFF * PER_PERSON} rows, {size:.1f} MB; {runs} runs, medians")
        print(f"ce-ledger records import : {med(ours, 0):6.2f} s  peak {med(ours, 1):6.0f} MB")
        print(f"sqlite3 .import          : {med(raw, 0):6.2f} s  peak {med(raw, 1):6.0f} MB")
        print(f"ratio                    : {med(ours, 0) / med(raw, 0):6.2f}x  (target <= 2x, <= 150 MB)")
        # The ledger is encrypted (issue 26): the sqlite3 shell cannot open it, so SQLite's floor for
        # the record table's indexes is no longer measured here; benches/encryption.rs compares the
        # same program on a plain ledger instead.


if __name__ == "__main__":
    main()
