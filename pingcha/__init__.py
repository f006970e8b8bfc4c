"""pingcha（评查）: run an administrative-penalty case-file evaluation from rubric to bulletin."""

__version__ = "0.1.0"
