"""Write a compose ``.env`` from ``.env.example`` with a fresh value for every empty secret.

Why a script: the deployment must never ship a default secret, yet a first start should not
need six hand-run generators. Every empty ``KEY=`` line of the example is filled (the Fernet
key in its required url-safe base64 form, the rest as hex, which is safe inside the URLs and
the JSON connection string that embed them); non-empty lines are copied unchanged. An
existing ``.env`` is never overwritten, so secrets of a running deployment are not lost.

    python deploy/make_env.py                 # writes ./.env
    python deploy/make_env.py --out /tmp/.env
"""

from __future__ import annotations

import argparse
import base64
import os
import re
import secrets
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = PROJECT_ROOT / ".env.example"
ASSIGNMENT = re.compile(r"^(?P<key>[A-Z][A-Z0-9_]*)=(?P<value>.*)$")


def generate_secret(key: str) -> str:
    """A new random value in the format the setting ``key`` requires."""
    if key.endswith("FERNET_KEY"):
        return base64.urlsafe_b64encode(os.urandom(32)).decode("ascii")
    return secrets.token_hex(24)


def render_env(example_text: str) -> str:
    """The example's text with each empty assignment given a generated secret."""
    lines = []
    for line in example_text.splitlines():
        match = ASSIGNMENT.match(line)
        if match and not match["value"]:
            line = f"{match['key']}={generate_secret(match['key'])}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def write_env(out: Path, example: Path = EXAMPLE) -> None:
    """Create ``out`` (mode 0600) from ``example``; refuses to replace an existing file."""
    text = render_env(example.read_text(encoding="utf-8"))
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / ".env")
    parser.add_argument("--example", type=Path, default=EXAMPLE)
    args = parser.parse_args(argv)
    try:
        write_env(args.out, args.example)
    except FileExistsError:
        print(f"{args.out} exists; not overwriting its secrets", file=sys.stderr)
        return 1
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
