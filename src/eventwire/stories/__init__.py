"""Stories stage: articles -> stories (articles reporting the same real-world story) and their relations.

Needs: each article's annotated text once (``article_features``, with an embedder the pipeline hands
in), then the features. Provides: ``StoryIndex`` (incremental, order-independent clustering: new
articles join stories without re-clustering the store), ``Story`` records and ``ArticleRelation``
records (original / copy / rewrite / aggregation, with evidence). The frozen IDF table and the pair
model are data files built by ``scripts/build_story_idf.py`` and ``scripts/train_story_pairs.py``.
"""

from eventwire.stories.derivatives import Report, generator_marks, relations, wire_of
from eventwire.stories.features import (
    FEATURE_VERSION,
    IDF_PATH,
    Analysis,
    ArticleFeatures,
    Idf,
    analyse,
    article_features,
    from_analysis,
    from_record,
    lede_text,
    pair_values,
    sparse_cos,
    tfidf,
    to_record,
)
from eventwire.stories.index import (
    PAIR_MODEL_PATH,
    NewArticle,
    PairModel,
    StoryIndex,
    assignments,
    partition,
    story_id,
    undated_day,
)


def load_idf() -> Idf:
    """The packaged background IDF table."""
    return Idf.load()


def load_pair_model() -> PairModel:
    """The packaged pair model."""
    return PairModel.load()


__all__ = [
    "FEATURE_VERSION", "IDF_PATH", "PAIR_MODEL_PATH", "Analysis", "ArticleFeatures", "Idf", "NewArticle",
    "PairModel", "Report", "StoryIndex", "analyse", "article_features", "assignments", "from_analysis",
    "from_record", "generator_marks", "lede_text", "load_idf", "load_pair_model", "pair_values", "partition",
    "relations", "sparse_cos", "story_id", "tfidf", "to_record", "undated_day", "wire_of",
]
