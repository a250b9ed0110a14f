"""The frozen `pulumi-resource-aep`'s entry: the plugin's main (see
scripts/ensure-plugin-dist.sh). A file of its own, in a directory of its own, because
PyInstaller puts the entry script's directory on its module search path."""

from sandbox_provider.plugin import main

main()
