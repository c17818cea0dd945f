"""cuegraph: a knowledge graph of who composed the music in anime, films and games."""

__version__ = "0.1.0"
__all__ = ["__version__"]
