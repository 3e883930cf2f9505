"""`python -m dashboard` runs the command-line tool."""

from dashboard.cli import main

raise SystemExit(main())
