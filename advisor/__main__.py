"""``python -m advisor`` runs the same command line as the ``advisor`` script."""

from advisor.cli import main

raise SystemExit(main())
