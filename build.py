#!/usr/bin/env python3
"""Build the H20 explainer into site/ (`python build.py`), or preview it with rebuild on
change (`python build.py serve`). `python build.py --help` lists the options; the pipeline
itself reads like a table of contents in sitegen/pipeline.py."""
import sys

from sitegen.cli import main

if __name__ == "__main__":
    sys.exit(main())
