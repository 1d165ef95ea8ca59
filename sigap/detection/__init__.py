"""SIGAP detection engine: explainable TPPO/TPPM analysis of Indonesian reports.

Pure Python, no Django: workers, the web app, the CLI and other systems call ``analyze`` (one
report) or ``analyze_many`` (a batch, faster per report).
"""

from sigap.detection.engine import Engine, analyze, analyze_many
from sigap.detection.types import Analysis, Entities, Hit

__all__ = ["Analysis", "Engine", "Entities", "Hit", "analyze", "analyze_many"]
