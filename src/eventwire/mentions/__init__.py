"""Mentions stage: one annotated article -> its event mentions (``model.EventMention``), main event first.

Modules, one job each: ``classify`` (sentence -> event code), ``taxonomy`` (codes, ACLED names,
PLOVER/CAMEO), ``status`` (occurred / planned / denied / opinion / background), ``dates`` (a
sentence's event date), ``counts`` (counts of people in a sentence, as claims), ``attribution``
(who says so, how firmly), ``actors`` (ACLED-style actor names) and ``extract`` (the article:
sentences -> mentions). The public names below are what the rest of eventwire may use.
"""

from eventwire.mentions.actors import Actors, actor_key, country_of, event_family, find_actors, name_participant
from eventwire.mentions.attribution import normalise_speaker
from eventwire.mentions.classify import (
    BLOCK_WEIGHTS,
    FEATURE_VERSION,
    MODEL_PATH,
    TEMPERATURE,
    Classification,
    LinearModel,
    block_normalize,
    classify_many,
    feature_blocks,
    features,
    load_model,
)
from eventwire.mentions.codebook import apply_codebook
from eventwire.mentions.counts import find_claims, parse_quantity
from eventwire.mentions.dates import DateResolution, resolve_date
from eventwire.mentions.detect import (
    SENTENCE_MIN_RELEVANCE,
    Detection,
    EventModels,
    acled_reading,
    detect,
    fused_probabilities,
    lexical_probabilities,
)
from eventwire.mentions.extract import EXTRACTOR_VERSION, extract_mentions
from eventwire.mentions.relevance import (
    PRESCORE_PATH,
    RELEVANCE_PATH,
    SUBTYPE_PATH,
    PreScoreModel,
    RelevanceModel,
    SubtypeModel,
    event_features,
    load_prescore,
    load_relevance,
    load_subtype,
)
from eventwire.mentions.roles import (
    FAMILIES,
    HASH_BITS,
    ROLE_CLASSES,
    ROLES_PATH,
    LinearScorer,
    RoleModel,
    load_roles,
    role_candidates,
    role_rows,
    save_roles,
    trigger_candidates,
    trigger_rows,
)
from eventwire.mentions.status import STATUSES, sentence_status
from eventwire.mentions.taxonomy import ACLED_CODES, CASE_CODES, CODES, NOT_ACLED, EventCode, code_for, get_code

__all__ = [
    "ACLED_CODES", "Actors", "BLOCK_WEIGHTS", "CASE_CODES", "CODES", "Classification", "DateResolution",
    "Detection", "EXTRACTOR_VERSION", "EventCode", "EventModels", "FAMILIES", "FEATURE_VERSION", "HASH_BITS",
    "LinearModel", "LinearScorer", "MODEL_PATH", "NOT_ACLED", "PRESCORE_PATH", "PreScoreModel", "RELEVANCE_PATH",
    "ROLES_PATH", "ROLE_CLASSES", "RelevanceModel", "RoleModel", "SENTENCE_MIN_RELEVANCE", "STATUSES",
    "SUBTYPE_PATH", "SubtypeModel", "TEMPERATURE", "acled_reading", "actor_key", "apply_codebook",
    "block_normalize", "classify_many", "code_for", "country_of", "detect", "event_family", "event_features",
    "extract_mentions", "feature_blocks", "features", "find_actors", "find_claims", "fused_probabilities",
    "get_code", "lexical_probabilities", "load_model", "load_prescore", "load_relevance", "load_roles",
    "load_subtype", "name_participant", "normalise_speaker", "parse_quantity", "resolve_date", "role_candidates",
    "role_rows", "save_roles", "sentence_status", "trigger_candidates", "trigger_rows",
]
