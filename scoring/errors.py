"""Errors raised by scoring; they know nothing of HTTP."""


class ScoringError(Exception):
    """Base class of every scoring error."""


class ArtifactError(ScoringError):
    """The model artefact is missing, foreign, or built by an incompatible version."""


class LabelledDataError(ScoringError):
    """A labelled-data file is missing or does not follow the LABELS.md schema."""
