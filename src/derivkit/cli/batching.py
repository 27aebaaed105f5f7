"""The options every batch command shares: where the work runs (``--executor``, ``--scheduler``)."""

from __future__ import annotations

import argparse

from derivkit.grading.executors import EXECUTORS, Executor, make_executor


def add_executor_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--executor", choices=tuple(EXECUTORS), default="local",
                        help="where the batch runs: local (a sandbox pool on this machine, the default) or dask "
                             "(dask.distributed; needs pip install 'derivkit[dask]')")
    parser.add_argument("--scheduler", metavar="ADDRESS", default=None,
                        help="the Dask scheduler, e.g. tcp://10.0.0.5:8786 (with --executor dask; without it a "
                             "LocalCluster of --jobs workers is started)")


def open_executor(args: argparse.Namespace) -> Executor:
    """The executor the options ask for (raises ExecutorError with a one-line reason)."""
    return make_executor(args.executor, getattr(args, "jobs", None), args.scheduler)
