"""Build every handout: ``python build_docs.py [options]`` is ``derivkit build [options]``, one code path.

Options are those of ``derivkit build`` (``--out``, ``--format``, ``--only``, ``--variant``...).
"""

import sys

from derivkit.cli import main

if __name__ == "__main__":
    raise SystemExit(main(["build", *sys.argv[1:]]))
