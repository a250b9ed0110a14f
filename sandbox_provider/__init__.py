"""Infrastructure as code for AEP sandbox tooling (exim) packages, on Pulumi."""

__version__ = "0.1.0"
