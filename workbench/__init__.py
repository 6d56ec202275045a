"""Workbench for Vietnamese news on the US–Russia–Ukraine peace process."""
__version__ = "0.1.0"
