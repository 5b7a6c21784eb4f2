"""Execute the notebooks top to bottom with the tslab kernel and report how each went.

Default (the main job, ``npm start``): every notebook in notebooks/ runs into output/, as an
executed .ipynb plus an HTML page that works offline (pages.py: KaTeX and plotly.js from
output/assets/), and a table of notebook, seconds and status is printed.
``--in-place`` (``npm run refresh``) writes the executed notebooks back into notebooks/, with
execution counts, so that they read well on GitHub; a notebook that fails is left untouched.

A cell that raises, fails to type-check or writes to stderr fails its notebook; the command then
exits with status 1 after naming the cell and its error.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import pathlib
import platform
import subprocess
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbconvert.preprocessors import CoalesceStreamsPreprocessor

import pages

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
# gan-kit's compiled settings module: its isQuickMode is the one statement of the GAN_QUICK rule.
SETTINGS_JS = ROOT / "src" / "dist" / "lib" / "core" / "settings.js"


class StderrError(Exception):
    """A cell ran but wrote to stderr, which the series treats as a failure."""


def stderr_of(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream" and o.get("name") == "stderr")


# Appended to every notebook's run (here and by tests/nbval_tslab.py, which imports these two):
# gan-kit watches for leaked tensors when GAN_LEAK_CHECK is set (tensors the garbage collector
# found undisposed), and this cell fails when there were any.
LEAK_CHECK_SOURCE = 'import { assertNoTensorLeaks } from "gan-kit";\nawait assertNoTensorLeaks();'


def enable_leak_check() -> None:
    """Sets GAN_LEAK_CHECK for the kernels started from now on."""
    os.environ["GAN_LEAK_CHECK"] = "1"


def execute(path: pathlib.Path, timeout: int) -> tuple[nbformat.NotebookNode, str | None]:
    """Runs one notebook in its own folder, then the leak check; returns it and an error description, or None."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, kernel_name="tslab", timeout=timeout, record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    try:
        with client.setup_kernel():
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                client.execute_cell(cell, index, execution_count=client.code_cells_executed + 1)
                # tslab sends each console.log as its own stream message: store one output per run of
                # them, as JupyterLab shows it (nbval merges them the same way before comparing).
                CoalesceStreamsPreprocessor().preprocess_cell(cell, {}, index)
                if stderr_of(cell):
                    raise StderrError(f"cell {index} wrote to stderr:\n{stderr_of(cell).strip()}")
            check = nbformat.v4.new_code_cell(LEAK_CHECK_SOURCE)
            nb.cells.append(check)  # nbclient stores the cell it runs by index; removed again below
            try:
                client.execute_cell(check, len(nb.cells) - 1, execution_count=client.code_cells_executed + 1)
            finally:
                nb.cells.pop()
            if stderr_of(check):
                raise StderrError(f"the tensor leak check after the last cell failed:\n{stderr_of(check).strip()}")
            said = "".join(o.get("text", "") for o in check.outputs if o.get("output_type") == "stream").strip()
            print(f"   {said}", flush=True)
    except CellExecutionError as error:
        return nb, f"{error}"
    except StderrError as error:
        return nb, str(error)
    return nb, None


def quick_mode() -> bool:
    """Whether the notebooks will run at their quick settings, as gan-kit decides it.

    Asks Node for isQuickMode() of src/lib/settings.ts (compiled) with this process's environment,
    instead of restating the GAN_QUICK rule here, so the label printed and recorded cannot disagree
    with what the notebooks do. Costs one Node start (about 0.1 s).
    """
    if not SETTINGS_JS.is_file():
        raise SystemExit(f"{SETTINGS_JS} is missing: compile gan-kit first (npm run setup)")
    script = "process.stdout.write(JSON.stringify(require(process.argv[1]).isQuickMode()))"
    result = subprocess.run(["node", "-e", script, str(SETTINGS_JS)], capture_output=True, text=True)
    if result.returncode != 0 or result.stdout not in ("true", "false"):
        raise SystemExit(f"could not ask gan-kit's isQuickMode() whether GAN_QUICK is set:\n{result.stderr}")
    return result.stdout == "true"


def cpu_model() -> str:
    """The CPU's model name and its widest vector extension (timings and even results depend on both)."""
    try:
        info = pathlib.Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or "?"
    model = next((line.split(":", 1)[1].strip() for line in info.splitlines() if line.startswith("model name")), "?")
    flags = next((line.split(":", 1)[1].split() for line in info.splitlines() if line.startswith("flags")), [])
    vector = "AVX-512" if "avx512f" in flags else "AVX2" if "avx2" in flags else "no AVX2"
    return f"{model} ({vector})"


def record_timings(path: pathlib.Path, rows, mode: str, caches_empty: bool, setup_seconds: float | None) -> None:
    """Writes seconds per notebook and in all, with date, machine and whether data/ was empty at the start."""
    record = {
        "date": datetime.date.today().isoformat(),
        "machine": {"cores": os.cpu_count(), "cpu": cpu_model(),
                    "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
                    # Set, it holds oneDNN's kernels to a lower class (AVX2 on an AVX-512 machine).
                    "onednn_max_cpu_isa": os.environ.get("ONEDNN_MAX_CPU_ISA")},
        "settings": mode,
        "backend": os.environ.get("GAN_BACKEND", "") or "best available (native TensorFlow)",
        "caches_empty_at_start": caches_empty,
        "setup_seconds": None if setup_seconds is None else round(setup_seconds, 1),
        "notebooks": [{"notebook": name, "seconds": round(seconds, 1), "status": status} for name, seconds, status in rows],
        "notebooks_seconds": round(sum(seconds for _, seconds, _ in rows), 1),
    }
    path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(f"timings written to {path}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=pathlib.Path, help="default: every notebooks/*.ipynb")
    parser.add_argument("--output", type=pathlib.Path, default=ROOT / "output", help="folder for executed copies and HTML")
    parser.add_argument("--in-place", action="store_true", help="write executed notebooks back (refresh committed outputs)")
    parser.add_argument("--timeout", type=int, default=3600, help="seconds one cell may run")
    parser.add_argument("--record", type=pathlib.Path, help="write the timings as JSON here (npm run series: bench/series.json)")
    parser.add_argument("--setup-seconds", type=float, help="seconds the set-up took, for the record")
    args = parser.parse_args()
    caches_empty = not any(p.name != "README.md" for p in (ROOT / "data").iterdir()) if (ROOT / "data").is_dir() else True

    paths = [p.resolve() for p in args.notebooks] or sorted(NOTEBOOKS.glob("*.ipynb"))
    if not paths:
        print(f"no notebooks found in {NOTEBOOKS}", file=sys.stderr)
        return 1
    enable_leak_check()
    mode = "quick" if quick_mode() else "full"
    print(f"Running {len(paths)} notebook(s) at {mode} settings with the tslab kernel\n", flush=True)
    args.output.mkdir(parents=True, exist_ok=True)
    pages.copy_assets(args.output)  # KaTeX and plotly.js for the HTML pages
    rows = []
    for path in paths:
        print(f"-> {path.name} ...", flush=True)
        start = time.monotonic()
        nb, error = execute(path, args.timeout)
        seconds = time.monotonic() - start
        status = "OK" if error is None else "FAILED"
        rows.append((path.name, seconds, status))
        nbformat.write(nb, args.output / path.name)
        # The same offline page as the website's (pages.py), without its navigation.
        (args.output / path.with_suffix(".html").name).write_text(pages.export_page(nb, path), encoding="utf-8")
        if error is None and args.in_place:
            nbformat.write(nb, path)
        print(f"   {status} in {seconds:.0f} s", flush=True)
        if error is not None:
            print(f"\n{path.name} failed:\n{error}\n", flush=True)

    if args.record is not None:
        record_timings(args.record, rows, mode, caches_empty, args.setup_seconds)
    width = max(len(name) for name, _, _ in rows)
    print(f"\n{'notebook':<{width}}  {'seconds':>8}  status")
    for name, seconds, status in rows:
        print(f"{name:<{width}}  {seconds:>8.1f}  {status}")
    where = "notebooks/ (refreshed) and " if args.in_place else ""
    print(f"\nExecuted copies and HTML pages: {where}{args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output}/")
    return 0 if all(status == "OK" for _, _, status in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
