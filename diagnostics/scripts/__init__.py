"""Guided diagnostic scripts as data: YAML with line numbers, the linter, the tree helpers."""
