"""`python -m sandbox_provider.cli`: the `sandbox-provider` command."""

from . import main

main()
