"""SIGAP detection engine: explainable TPPO/TPPM analysis of Indonesian reports.

Pure Python, no Django: workers, the web app, the CLI and other systems call ``analyze``.
"""

from sigap.detection.engine import Engine, analyze
from sigap.detection.types import Analysis, Entities, Hit

__all__ = ["Analysis", "Engine", "Entities", "Hit", "analyze"]
