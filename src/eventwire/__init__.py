"""eventwire: news articles in, a trustworthy structured conflict event dataset out."""

__version__ = "0.1.0"
