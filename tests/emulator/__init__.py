"""Black-box tests of the exim emulator, over real HTTP only (see docs/emulator.md)."""
