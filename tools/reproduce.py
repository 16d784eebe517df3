"""Execute every notebook in notebooks/ in order, in place, and report progress.

Run through ``make reproduce``. Each notebook is executed top to bottom in a
fresh kernel of the current environment; its stored outputs are replaced by the
fresh ones (so strict nbval compares against exactly this run), and the figures
it saves land in figures/ and its result record in notebooks/results/ (paths
come from mi_lib.paths, so the working directory does not matter). One line per
notebook reports its wall time.

The stored notebook must not depend on how the kernel happened to flush its
output: consecutive stream outputs of the same name are merged into one, so a
second run on the same machine rewrites byte-identical files.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, DeadKernelError

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"


def coalesce_streams(outputs: list) -> list:
    """Merge consecutive stream outputs of the same stream (stdout/stderr) into one."""
    merged: list = []
    for out in outputs:
        prev = merged[-1] if merged else None
        if (
            out.get("output_type") == "stream"
            and prev is not None
            and prev.get("output_type") == "stream"
            and prev.get("name") == out.get("name")
        ):
            prev["text"] = "".join(prev["text"]) + "".join(out["text"])
        else:
            merged.append(out)
    return merged


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def strip_widget_views(output: dict) -> dict:
    """Drop the widget-view bundle (a random model id) from an output, keeping its text form.

    The slider cells are for a live kernel; their stored output could not show a
    widget anyway (no widget state is stored), and a random id would make every
    run rewrite the notebook.
    """
    data = output.get("data")
    if data and WIDGET_VIEW in data:
        output["data"] = {k: v for k, v in data.items() if k != WIDGET_VIEW}
    return output


def run(path: Path, timeout: int, kernel_cwd: Path | None = None, write: bool = True) -> float:
    """Execute one notebook (in place unless ``write`` is False); return its wall time in seconds.

    The kernel starts in ``kernel_cwd`` (default: the notebook's own folder).
    """
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    # ipykernel warns on every start that TCP on loopback is unencrypted; the kernel runs
    # on this machine for this one notebook, so its log level is raised to ERROR at the source.
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
        resources={"metadata": {"path": str(kernel_cwd or path.parent)}},
        record_timing=False,
    )
    try:
        client.execute()
    except DeadKernelError:  # the kernel process died (not a failing cell): start it once more
        print("(kernel died; retrying once)", end=" ", file=sys.stderr, flush=True)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs = []
        client.execute()
    elapsed = time.perf_counter() - start
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [strip_widget_views(o) for o in coalesce_streams(cell.outputs)]
    nb.metadata.pop("widgets", None)  # widget state carries random model ids: not stored
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    if write:
        nbformat.write(nb, path)
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", help="notebook file names or prefixes (default: all)")
    parser.add_argument("--timeout", type=int, default=1200, help="per-cell timeout in seconds")
    parser.add_argument(
        "--check", action="store_true",
        help="execute only: write nothing tracked (figures and records go to a temporary directory)",
    )
    parser.add_argument(
        "--kernel-cwd", choices=("notebooks", "root"), default="notebooks",
        help="directory the kernel starts in (default: the notebooks folder)",
    )
    args = parser.parse_args(argv)
    kernel_cwd = ROOT if args.kernel_cwd == "root" else None
    scratch = None
    if args.check:
        scratch = tempfile.TemporaryDirectory(prefix="mi_lib_check_")
        os.environ["MI_LIB_OUTPUT_DIR"] = scratch.name
    else:
        # Reproducing refreshes the committed outputs: never redirect them to a scratch directory.
        os.environ.pop("MI_LIB_OUTPUT_DIR", None)
    # The claims ledger assembles every other notebook's record: it runs last.
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"), key=lambda p: ("claims_ledger" in p.name, p.name))
    if args.names:
        paths = [p for p in paths if any(p.name.startswith(n) for n in args.names)]
        if not paths:
            print(f"no notebook matches {args.names}", file=sys.stderr)
            return 2
    total = 0.0
    for i, path in enumerate(paths, 1):
        print(f"[{i}/{len(paths)}] {path.name} ...", end=" ", flush=True)
        try:
            elapsed = run(path, args.timeout, kernel_cwd, write=not args.check)
        except CellExecutionError as exc:
            print("FAILED")
            lines = str(exc).splitlines()
            print("\n".join(lines[:40] + (["..."] if len(lines) > 40 else [])), file=sys.stderr)
            return 1
        total += elapsed
        print(f"done in {elapsed:6.1f} s", flush=True)
    where = "a temporary directory (--check)" if args.check else ROOT / "figures"
    print(f"all {len(paths)} notebooks executed in {total:.1f} s; figures are in {where}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
