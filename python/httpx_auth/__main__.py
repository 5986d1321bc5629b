"""``python -m httpx_auth``: the command line. Without a command it runs ``demo``.

Each command is a subparser whose ``run`` default takes the parsed arguments; add one in
``_parser`` (its code in a module of its own).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Callable, Sequence

import httpx_auth


def _demo(args: argparse.Namespace) -> int:
    from httpx_auth import _demo

    _demo.run()
    return 0


def _presign(args: argparse.Namespace) -> int:
    from httpx_auth import _cli_presign

    return _cli_presign.run(args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m httpx_auth",
        usage="%(prog)s [-h] [--version] [COMMAND ...]",
        description="httpx_auth: authentication for httpx. Without a command: the offline demo.",
    )
    parser.add_argument("--version", action="version", version=f"httpx_auth {httpx_auth.__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    demo = commands.add_parser(
        "demo",
        help="show what each auth adds to a request (offline: a mock transport, no network)",
        description="Show what each auth adds to a request, offline (an in-process mock transport).",
    )
    demo.set_defaults(run=_demo)
    from httpx_auth import _cli_presign  # its arguments (the AWS machinery loads when it runs)

    presign = commands.add_parser(
        "presign",
        help="print a presigned URL for s3://BUCKET/KEY, with the AWS credentials found in the environment",
        description=_cli_presign.DESCRIPTION,
    )
    _cli_presign.add_arguments(presign)
    presign.set_defaults(run=_presign)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; a reader that goes away (``| head -1``) ends it quietly, status 0."""
    args = _parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] = getattr(args, "run", _demo)
    try:
        status = run(args)
        sys.stdout.flush()
    except BrokenPipeError:
        # Point stdout at /dev/null so that the flush at exit does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return status


if __name__ == "__main__":
    sys.exit(main())
