#!/usr/bin/env python3
"""Build the H20 explainer into site/ (`python build.py`), or preview it with rebuild on
change (`python build.py serve`). `python build.py --help` lists the options; the pipeline
itself reads like a table of contents in sitegen/pipeline.py."""
import os
import sys

from sitegen.cli import main

if __name__ == "__main__":
    status = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # Everything is written and closed; skip tearing down every object the build made
    # (a tenth of a small build's time).
    os._exit(status)
