"""``python -m derivkit`` is the ``derivkit`` command."""

from derivkit.cli import main

raise SystemExit(main())
