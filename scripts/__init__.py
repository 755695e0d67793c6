"""Project scripts that are Python packages (run from the repository root: `python3 -m scripts.trainer`)."""
