"""`python -m tfreview`: the same command line as the `tfreview` script."""

from tfreview.cli import main

main(prog_name="tfreview")
