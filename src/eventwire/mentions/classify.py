"""Sentence/snippet classification into the event taxonomy (``eventwire.mentions.taxonomy``).

A small linear model over TF-IDF features: word 1-2-grams, character 3-5-grams inside words
(so "shelled", "shelling" and "shells" share evidence) and *cue* features, transparent regular
expressions written from ACLED's codebook definitions ("airstrike", "roadside bomb", "tear gas",
"claimed responsibility"...). The cues carry the codebook's knowledge; the learned weights decide
how much each cue and word counts.

The model is stored as plain arrays (``data/classifier/model.npz``: vocabulary, idf, weights;
no pickle) and rebuilt by ``scripts/train_classifier.py``. Scoring is a sparse dot product,
cheap next to spaCy's parse.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from eventwire.errors import Errors, UsageError
from eventwire.mentions.taxonomy import CODES

DATA_DIR = Path(__file__).resolve().parents[1] / "data" / "classifier"
MODEL_PATH = DATA_DIR / "model.npz"
FEATURE_VERSION = 3
# Words whose character n-gram columns a model remembers: news brings new words every day (names above all: 17
# thousand words in 600 BBC and ECB+ articles, 42 MB with their n-grams, measured), so a long-running process starts
# the memo afresh when it is full rather than keep them all. Words met again soon are the ones that pay.
CHAR_CACHE_WORDS = 4096


@dataclass(frozen=True)
class Classification:
    """The best code for a text, its ACLED names, a confidence in [0, 1] and the top scores."""

    code: str
    event_type: str
    sub_event_type: str
    confidence: float
    scores: tuple[tuple[str, float], ...]


# --------------------------------------------------------------------------- features

# Codebook cues: (name, pattern). Patterns are matched on lower-cased text. They name the
# evidence a human coder looks for; they are features, not decisions.
_CUE_TABLE: list[tuple[str, str]] = [
    # explosions / remote violence
    ("air", r"\b(air ?strikes?|air[- ]raids?|airstrik\w*|warplanes?|war planes?|fighter jets?|jets?\b|"
            r"bombers?|helicopter gunships?|gunships?|aerial (?:bombardment|attack|bombing)s?|"
            r"air force|drone strikes?|drones?|uavs?|unmanned aerial|barrel bombs?|"
            r"coalition aircraft|aircraft|sorties?|airpower|bombed from the air)\b"),
    ("artillery", r"\b(shell(?:s|ed|ing)?|artillery|mortars?|rockets?|missiles?|howitzers?|"
                  r"grad|katyusha|projectiles?|cannon|ballistic|rocket[- ]propelled|"
                  r"bombard(?:ed|ment|ing)?|mlrs|multiple rocket)\b"),
    ("suicide", r"\b(suicide|self[- ]?detonat\w*|blew (?:himself|herself|themselves) up|"
                r"explosive (?:vest|belt)s?|suicide vest|svbied?s?|martyrdom operation)\b"),
    ("ied", r"\b(ieds?|improvised explosive|roadside bombs?|landmines?|land mines?|mines?\b|"
            r"car bombs?|vbieds?|bomb (?:blast|explo\w+)|explosive device|booby[- ]trap\w*|"
            r"remote[- ]controlled|planted (?:a )?bombs?|magnetic bomb|sticky bomb|time bomb|"
            r"detonat\w+|explosion|blast|exploded|bomb went off|unexploded)\b"),
    ("grenade", r"\b(grenades?|hand[- ]grenades?|petrol bombs?|molotov|hurled (?:a|an) "
                r"(?:explosive|bomb)|lobbed|threw (?:a|an) (?:explosive|bomb)|crude bombs?|"
                r"country[- ]made bombs?|rpg)\b"),
    ("chemical", r"\b(chemical|chlorine|sarin|mustard gas|toxic gas|poison(?:ous)? gas|"
                 r"nerve agent|gas attack|asphyxia\w*|suffocat\w+|choking|opcw|white phosphorus)\b"),
    # battles / territory
    ("clash", r"\b(clash(?:es|ed)?|fighting|fought|gunfights?|firefights?|exchange of fire|"
              r"exchanged fire|battles?|skirmish\w*|engaged|ambush\w*|offensive|assault|"
              r"repelled|repulsed|counter[- ]?attack\w*|attacked (?:a |an |the )?"
              r"(?:military|army|security|police) (?:post|base|checkpoint|convoy|positions?)|"
              r"checkpoints?|infiltrat\w+|encounter)\b"),
    ("capture", r"\b(recaptur\w+|retook|retake\w*|regain\w*|re-?took|liberat\w+|reclaim\w*|"
                r"cleared|back under (?:government|army) control|restored control)\b"),
    ("seize_territory", r"\b(seiz\w+ (?:control|the (?:town|city|village|district|base))|"
                        r"captur\w+|overr[au]n\w*|took control|taken control|takes control|"
                        r"fell to|seized|under (?:their|its|the group's) control|stormed)\b"),
    ("withdraw", r"\b(withdr[ae]w\w*|withdrawal|pull(?:ed|s|ing)? out|handed over|hand(?:ed|s|ing)? "
                 r"over control|without (?:a )?(?:fight|resistance)|unopposed|evacuated their|"
                 r"took over .{0,30}after .{0,20}withdr|handover|deployed to|moved into|"
                 r"entered the (?:town|city)|retreat\w*|abandon\w+)\b"),
    ("gov_forces", r"\b(army|soldiers?|troops|military|security forces|government forces|"
                   r"armed forces|regime|police|forces loyal|pro-government|national guard|"
                   r"syrian arab army|saa|afghan forces|iraqi forces|ansf|sdf)\b"),
    ("rebels", r"\b(rebels?|insurgents?|militants?|jihadists?|terrorists?|islamic state|isis|isil|"
               r"daesh|taliban|al[- ]shabaa?b|boko haram|al[- ]qaeda|maoists?|naxal\w*|"
               r"militia\w*|fighters|armed group|gunmen|separatists?|guerrillas?|hts|houthis?)\b"),
    # violence against civilians
    ("sexual", r"\b(rap(?:e|ed|es|ing|ist)|gang[- ]?rap\w*|sexual(?:ly)? (?:assault|abuse|violence|"
               r"harass)\w*|molest\w*|sexually)\b"),
    ("abduct", r"\b(abduct\w*|kidnap\w*|hostages?|taken captive|missing|disappear\w*|"
               r"whereabouts|seized (?:\w+ )?(?:civilians|villagers|people|students|girls|men))\b"),
    ("kill_civ", r"\b(civilians?|villagers?|residents|unarmed|women|children|farmers|worshippers|"
                 r"passengers|students|journalists?|shot dead|gunned down|massacre\w*|"
                 r"executed|beheaded|hacked|killed)\b"),
    ("gunmen", r"\b(gunmen|unidentified (?:armed )?(?:men|assailants|attackers)|assailants|"
               r"opened fire|shot|stabb\w+|attacked|armed men|suspected (?:militants|herdsmen)|"
               r"herdsmen|bandits)\b"),
    # protests and riots
    ("protest", r"\b(protest\w*|demonstrat\w+|rall(?:y|ies|ied)|march(?:ed|es)?|sit-?ins?|"
                r"strikes? (?:by|of)|went on strike|on strike|picket\w*|vigil|slogans|placards|"
                r"banners|chanting|chanted|agitat\w+|dharna|hunger strike|gathered|staged|"
                r"boycott\w*|walkout|petition)\b"),
    ("peaceful", r"\b(peaceful(?:ly)?|silent|candlelight|candle[- ]light|symbolic|no incidents?|"
                 r"without incident|memorandum|submitted|demanding|demanded|against the)\b"),
    ("disperse", r"\b(dispers\w+|tear ?gas|water cannons?|baton[- ]?charg\w*|lathi[- ]?charg\w*|"
                 r"rubber bullets|detained (?:several|some|dozens|\d+) (?:protesters|demonstrators)|"
                 r"broke up|broken up|pepper spray|stun grenades|cordon\w*|blocked the (?:march|protesters)|"
                 r"prevented|stopped the)\b"),
    ("excessive", r"\b(opened fire on (?:the )?(?:protesters|demonstrators|crowd)|"
                  r"live (?:ammunition|rounds|fire)|fired on (?:the )?(?:protesters|demonstrators|crowd)|"
                  r"killed (?:\w+ )?(?:protesters|demonstrators)|protesters? (?:were |was )?killed|"
                  r"brutal\w*|beat(?:en|ing)? (?:up )?(?:the )?(?:protesters|demonstrators|students)|"
                  r"crackdown|shot dead .{0,30}protest)\b"),
    ("riot", r"\b(riot\w*|violent (?:protest|demonstration)s?|pelt\w*|stones?|stone[- ]?pelting|"
             r"throwing stones|hurled stones|rocks|torch(?:ed|es|ing)?|set (?:on )?fire|set ablaze|vandali\w+|"
             r"ransacked|burn(?:ed|t|ing) (?:tyres|tires|vehicles|cars)|clashed with (?:the )?police|"
             r"angry (?:crowd|mob|protesters)|turned violent|damaged)\b"),
    ("mob", r"\b(mob|lynch\w*|vigilante\w*|angry (?:crowd|villagers|residents)|crowd (?:beat|attacked|"
            r"lynched)|beaten to death|communal|sectarian clash\w*|rival (?:groups|supporters))\b"),
    # strategic developments
    ("agree", r"\b(agree\w*|agreement|ceasefire|cease-fire|truce|peace (?:deal|accord|treaty|talks)|"
              r"signed|sign|accord|memorandum of understanding|mou|deal|pact|prisoner (?:swap|exchange)|"
              r"reconcil\w+|negotiated|surrender\w*)\b"),
    ("arrest", r"\b(arrest\w*|detain\w*|detention|taken into custody|in custody|nabbed|apprehend\w*|"
               r"held|nab|rounded up|custody|remand\w*|picked up|booked|charged)\b"),
    ("disrupt", r"\b(defus\w+|seiz\w+ (?:weapons|arms|explosives|ammunition)|weapons cache|arms cache|"
                r"caches?|recovered|confiscat\w+|found (?:an? )?(?:ied|bomb|explosive)|bomb disposal|"
                r"intercept\w*|shot down|downed|foiled|thwarted|dismantled|bomb squad|"
                r"explosives were found|seized|haul|ammunition|rounds of)\b"),
    ("hq", r"\b(headquarters|set up (?:a |an )?(?:base|camp|office|checkpoint)|established (?:a |an )?"
           r"(?:base|camp|office|outpost|headquarters)|new base|military base|outpost|"
           r"opened (?:a |an )?(?:office|base)|camp)\b"),
    ("loot", r"\b(loot\w*|plunder\w*|pillag\w*|ransack\w*|torched|burn(?:ed|t) down|destroy\w*|"
             r"demolish\w*|razed|vandal\w+|set fire to|set ablaze|arson|bulldoz\w+)\b"),
    ("change_group", r"\b(join(?:ed|s)?|defect\w*|merg\w+|split|recruit\w*|new (?:group|leader|commander)|"
                     r"appointed|announced (?:the )?(?:formation|creation)|formed|disband\w*|"
                     r"curfew|deploy\w*|reinforcements?|mobiliz\w+|launched (?:a )?(?:campaign|operation)|"
                     r"pledged allegiance|ban(?:ned)?|state of emergency|relocat\w+|training)\b"),
    # non-ACLED
    ("diplo", r"\b(talks|met with|meeting|visit\w*|summit|minister|ambassador|diplomat\w*|envoy|"
              r"foreign ministry|condemn\w*|urged|called on|calls? for|sanction\w*|statement|"
              r"spokes(?:man|woman|person)|president|prime minister|bilateral|relations|"
              r"discussed|expressed|welcomed|warned|un security council|united nations|negotiat\w+)\b"),
    ("attrib", r"\b(claimed responsibility|claim(?:ed|s)? (?:of )?responsibility|responsib\w+|"
               r"blam\w+|accus\w+|attribut\w+|behind the (?:attack|bombing|blast)|held responsible|"
               r"denied (?:any )?(?:involvement|responsibility)|claimed the attack|"
               r"took responsibility|owned up)\b"),
    ("crime", r"\b(drugs?|narcotic\w*|cocaine|heroin|cartel\w*|traffick\w+|smuggl\w+|gang\w*|"
              r"robbery|robbers|robbed|theft|thieves|extortion|mafia|criminal\w*|money laundering|"
              r"contraband|fraud|poaching|poachers|cattle rustl\w+|dacoit\w*|murder\w*|"
              r"crime|cybercrime|illegal)\b"),
    ("natural", r"\b(earthquakes?|quakes?|tremors?|magnitude|floods?|flooding|flash floods?|cyclones?|"
                r"hurricanes?|typhoons?|storms?|tornado\w*|tsunami|landslides?|mudslides?|drought|"
                r"heavy rain\w*|rainfall|monsoon|volcan\w+|eruption|wildfires?|forest fires?|"
                r"bushfires?|heatwave|heat wave|cold wave|snow\w*|avalanche|epidemic|pandemic|"
                r"outbreak|covid\w*|coronavirus|cholera|ebola|virus|infections?|cases|dengue|locusts?)\b"),
    ("manmade", r"\b(accident\w*|crash\w*|collided|collision|derail\w*|capsiz\w+|sank|sinking|"
                r"fire broke out|blaze|caught fire|gas leak|leak\w*|cylinder|boiler|factory|"
                r"chemical plant|refinery|collaps\w+|stampede|short circuit|spill\w*|"
                r"explosion at|building|bridge|mine (?:collapse|accident)|train|bus|plane|"
                r"ferry|boat|stampede|poisoning|hooch|electrocut\w+)\b"),
    # what the sentence is, not what happened: statements, plans, history
    ("speech", r"\b(said|says|told|stated|according to|added|noted|argued|believes?|thinks?|"
               r"claimed|reported|announced)\b"),
    ("future", r"\b(will|would|plans? to|planned|to be held|expected to|could|may|might|"
               r"intends?|threaten\w*|vowed|pledged|promised)\b"),
    ("history", r"\b(since (?:the )?\d{4}s?|in \d{4}|last year|years ago|decades?|history|"
                r"previous(?:ly)?|former|formerly|used to|has been|have been|long[- ]running)\b"),
    ("number_killed", r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|dozens?|scores|"
                      r"hundreds?) (?:\w+ ){0,3}(?:killed|dead|died|injured|wounded)\b"),
]
_CUES: list[tuple[str, re.Pattern[str]]] = [(n, re.compile(p)) for n, p in _CUE_TABLE]
_CUE_BY_NAME = dict(_CUES)


def _literal_prefixes(pattern: str) -> frozenset[str] | None:
    """Word prefixes (2-3 letters) one of which any match of ``pattern`` must start with, or
    None when that cannot be read off the pattern (then the cue is always tried).

    Every alternative of every group is taken (a superset, so the screen never hides a match).
    """
    body = pattern.removeprefix(r"\b")
    prefixes = set()
    for alt in re.split(r"\||\((?:\?:)?", body):
        alt = alt.removeprefix(r"\b")
        if not alt:
            continue
        m = re.match(r"[a-z]+", alt)
        if m is None or len(m.group(0)) < 2:
            return None
        prefixes.add(m.group(0)[:3])
    return frozenset(prefixes)


_CUE_SCREENS = [(name, pattern, _literal_prefixes(pattern.pattern)) for name, pattern in _CUES]
_PREFIX_WORD = re.compile(r"[a-z]{2,}")

# Who takes territory decides between the two Battles sub-types: cues pairing an actor with a
# capture verb inside one clause (no sentence end between them).
_GOV = (r"(?:army|troops|soldiers|government forces|regime|security forces|military|pro-government|"
        r"national army|syrian arab army|saa|iraqi forces|afghan forces|loyalist|federal forces|"
        r"government troops|armed forces|state forces)")
_NONSTATE = (r"(?:rebels?|militants?|insurgents?|jihadists?|terrorists?|islamic state|isis|isil|daesh|"
             r"taliban|al[- ]shabaa?b|boko haram|fighters|militias?|militiamen|opposition|separatists?|"
             r"hts|houthis?|iswap|armed groups?|guerrillas?|factions?|al-nusra|nusra)")
_TAKE = (r"(?:recaptur\w*|retook|retake\w*|regain\w*|captur\w*|seiz\w*|took (?:over|control)|"
         r"taken (?:over|control)|takes? control|overr[au]n\w*|liberat\w*|stormed|gained ground|"
         r"advanced|entered|pushed back|drove|ousted|expelled|cleared)")
_CLAUSE = r"[^.;]{0,90}?"
_PAIR_CUES: list[tuple[str, re.Pattern[str]]] = [
    ("gov_takes", re.compile(rf"\b{_GOV}\b{_CLAUSE}\b{_TAKE}")),
    ("nonstate_takes", re.compile(rf"\b{_NONSTATE}\b{_CLAUSE}\b{_TAKE}")),
    ("taken_from_gov", re.compile(rf"\b{_TAKE}{_CLAUSE}\bfrom (?:the )?(?:\w+ )?{_GOV}")),
    ("taken_from_nonstate", re.compile(rf"\b{_TAKE}{_CLAUSE}\bfrom (?:the )?(?:\w+ )?{_NONSTATE}")),
    ("no_fight", re.compile(r"\b(?:without (?:a )?(?:fight|fighting|resistance|a shot)|unopposed|"
                            r"peaceful(?:ly)? handover|handed over|under (?:a|an) (?:deal|agreement))")),
    ("protesters_violent", re.compile(r"\b(?:protest\w*|demonstrat\w+|rioters|crowds?|youths|mob|students|"
                                      r"supporters|marchers)\b[^.;]{0,60}?"
                                      r"\b(?:threw|throw\w*|hurl\w*|pelt\w*|torch\w*|burn\w*|set fire|smash\w*|"
                                      r"vandali\w+|attack\w*|ransack\w*|loot\w*|storm\w*|clash\w*|"
                                      r"petrol bombs?|molotov|stones?|rocks)")),
    ("police_intervene", re.compile(r"\b(?:police|officers|security forces|troops|gendarmes|authorities)\b"
                                    r"[^.;]{0,60}?\b(?:dispers\w+|detain\w+|arrest\w+|tear ?gas|water cannon|"
                                    r"broke up|cleared|removed|dragged|pepper|baton|kettl\w+)")),
    ("gov_hits_protest", re.compile(rf"\b(?:{_GOV}|police){_CLAUSE}\b(?:fired|shot|killed|beat|attacked)"
                                    rf"{_CLAUSE}\b(?:protesters|demonstrators|crowds?|rally|march)")),
]

_WORD = re.compile(r"[a-z][a-z'\-]*[a-z]|[a-z]|\d+(?:[.,]\d+)*")
_DIGITS = re.compile(r"\d")
_LEAD_END = re.compile(r"(?<=[a-z0-9)\"'])[.!?]\s+(?=[A-Z\"'])|\. ")


@functools.lru_cache(maxsize=4096)
def _char_grams(word: str) -> tuple[str, ...]:
    # Words repeat across sentences; caching their n-grams keeps features() cheap. A word's n-grams take about 1 KB,
    # and a long-running process meets new words without end: the memo keeps the recent ones (``vectorize``
    # remembers each word's columns itself).
    padded = f"<{word}>"
    return tuple(f"c:{padded[i:i + n]}" for n in (3, 4, 5) for i in range(len(padded) - n + 1))


def features(text: str) -> list[str]:
    """The feature strings of a text: words, word pairs, in-word character n-grams and cues."""
    out, char_words = _analyze(text)
    for w in char_words:
        out.extend(_char_grams(w))
    return out


def _analyze(text: str) -> tuple[list[str], list[str]]:
    """Features other than character n-grams, and the distinct words whose n-grams are features."""
    low = text.lower()
    words = [_DIGITS.sub("0", w) for w in _WORD.findall(low)]
    out: list[str] = [f"w:{w}" for w in words]
    out.extend(f"b:{a} {b}" for a, b in zip(words, words[1:], strict=False))
    char_words = [w for w in dict.fromkeys(words) if len(w) >= 3 and w[0] != "0"]
    hit_names = []
    starts = {w[:3] for w in _PREFIX_WORD.findall(low)} | {w[:2] for w in _PREFIX_WORD.findall(low)}
    for name, pattern, prefixes in _CUE_SCREENS:
        # Cheap screen first: a cue can only match where a word starts with one of its prefixes.
        if prefixes is not None and starts.isdisjoint(prefixes):
            continue
        hits = len(pattern.findall(low))
        if hits:
            # A cue is the same feature however it was said; repeat it (capped) so tf counts it.
            out.extend([f"q:{name}"] * min(hits, 3))
            hit_names.append(name)
    for name, pattern in _PAIR_CUES:
        if pattern.search(low):
            out.extend([f"p:{name}"] * 2)
    # The reported event usually comes first: the lead clause's cues count again on their own.
    lead = _LEAD_END.split(low, 1)[0][:250]
    if lead == low:
        out.extend(f"l:{name}" for name in hit_names)
    else:
        out.extend(f"l:{name}" for name in hit_names if _CUE_BY_NAME[name].search(lead))
    return out, char_words


# --------------------------------------------------------------------------- model


# Feature blocks, normalised separately so that a long snippet's many character n-grams do not
# drown its few codebook cues: 0 words and word pairs, 1 character n-grams, 2 cues.
BLOCKS = ("words", "chars", "cues")
_BLOCK_OF = {"w": 0, "b": 0, "c": 1, "q": 2, "p": 2, "l": 2}
BLOCK_WEIGHTS = (1.0, 1.5, 0.4)  # chosen by 5-fold CV on CASE dev (3 seeds)


def feature_blocks(vocab: dict[str, int]) -> np.ndarray:
    """Block number (see ``BLOCKS``) of every column of a vocabulary, by the feature's prefix letter."""
    out = np.zeros(len(vocab), dtype=np.int64)
    for term, i in vocab.items():
        out[i] = _BLOCK_OF[term[0]]
    return out


def block_normalize(x, blocks: np.ndarray, weights: Sequence[float]):  # csr -> csr
    """L2-normalise each row within each feature block, then scale the block by its weight."""
    x = x.tocsr().astype(np.float32)
    col_block = blocks[x.indices]
    rows = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))
    sq = np.zeros((x.shape[0], len(weights)), dtype=np.float64)
    np.add.at(sq, (rows, col_block), x.data.astype(np.float64) ** 2)
    norms = np.sqrt(sq)
    norms[norms == 0] = 1.0
    scale = np.asarray(weights, dtype=np.float64)[col_block] / norms[rows, col_block]
    x.data = (x.data * scale).astype(np.float32)
    return x


@dataclass(frozen=True)
class LinearModel:
    """TF-IDF weights and one weight row per class: score = W @ tfidf(text) + b."""

    # cached_property needs an instance __dict__; frozen dataclasses still have one.

    vocab: dict[str, int]
    idf: np.ndarray  # (n_features,)
    coef: np.ndarray  # (n_classes, n_features)
    intercept: np.ndarray  # (n_classes,)
    classes: tuple[str, ...]
    meta: dict[str, str]

    def vectorize(self, texts: Sequence[str]):  # -> scipy.sparse.csr_matrix
        """Sublinear-tf TF-IDF rows, each feature block L2-normalised and weighted, as CSR."""
        from scipy.sparse import csr_matrix

        indptr = [0]
        indices: list[int] = []
        counts: list[int] = []
        lookup = self.vocab.get
        char_cache = self._char_index_cache
        for text in texts:
            row: Counter[int] = Counter()
            other, char_words = _analyze(text)
            for feat in other:
                j = lookup(feat)
                if j is not None:
                    row[j] += 1
            for w in char_words:
                ids = char_cache.get(w)
                if ids is None:  # a word's n-gram columns, looked up once per model
                    if len(char_cache) >= CHAR_CACHE_WORDS:
                        char_cache.clear()
                    ids = char_cache[w] = [j for j in map(lookup, _char_grams(w)) if j is not None]
                row.update(ids)
            indices.extend(row)
            counts.extend(row.values())
            indptr.append(len(indices))
        idx = np.asarray(indices, dtype=np.int64)
        values = (1.0 + np.log(np.asarray(counts, dtype=np.float32))) * self.idf[idx]
        x = csr_matrix((values.astype(np.float32), idx, np.asarray(indptr, dtype=np.int64)),
                       shape=(len(texts), len(self.vocab)))
        return block_normalize(x, self.blocks, self.block_weights)

    @functools.cached_property
    def _char_index_cache(self) -> dict[str, list[int]]:
        return {}

    @functools.cached_property
    def blocks(self) -> np.ndarray:
        """Block number of every feature column (see ``BLOCKS``)."""
        return feature_blocks(self.vocab)

    @property
    def block_weights(self) -> tuple[float, ...]:
        return tuple(float(w) for w in self.meta.get("block_weights", "1,1,1").split(","))

    def decision(self, texts: Sequence[str]) -> np.ndarray:
        """Raw class scores, shape (len(texts), n_classes)."""
        return self.decision_of(self.vectorize(texts))

    def decision_of(self, x) -> np.ndarray:
        """Raw class scores of rows already vectorised (``vectorize``), shape (n, n_classes)."""
        return np.asarray(x @ self.coef.T) + self.intercept

    def save(self, path: Path) -> None:
        """Write the model as plain arrays (loadable with ``allow_pickle=False``)."""
        terms = sorted(self.vocab, key=self.vocab.__getitem__)
        np.savez_compressed(
            path,
            terms=np.asarray(terms, dtype=str),
            idf=self.idf.astype(np.float32),
            coef=self.coef.astype(np.float16),
            intercept=self.intercept.astype(np.float32),
            classes=np.asarray(self.classes, dtype=str),
            meta_keys=np.asarray(list(self.meta), dtype=str),
            meta_values=np.asarray(list(self.meta.values()), dtype=str),
        )

    @classmethod
    def load(cls, path: Path) -> LinearModel:
        """Read a model written by :meth:`save`."""
        with np.load(path, allow_pickle=False) as z:
            terms = [str(t) for t in z["terms"]]
            meta = dict(zip((str(k) for k in z["meta_keys"]), (str(v) for v in z["meta_values"]),
                            strict=True))
            return cls(vocab={t: i for i, t in enumerate(terms)}, idf=z["idf"].astype(np.float32),
                       coef=z["coef"].astype(np.float32), intercept=z["intercept"].astype(np.float32),
                       classes=tuple(str(c) for c in z["classes"]), meta=meta)


# --------------------------------------------------------------------------- classify


@functools.lru_cache(maxsize=2)
def load_model(path: Path = MODEL_PATH) -> LinearModel:
    """The packaged model, loaded once per process."""
    if not path.exists():
        raise UsageError(Errors.E205, path=path)
    model = LinearModel.load(path)
    if model.meta.get("feature_version") != str(FEATURE_VERSION):
        raise UsageError(Errors.E206, path=path)
    return model


# Softmax temperature over SVM margins, fitted by log-loss on out-of-fold CASE dev scores
# (5-fold, guarded): 0.15-0.2 minimise it; mean confidence then matches accuracy (~0.8).
TEMPERATURE = 0.17


def _softmax(row: np.ndarray, temperature: float = TEMPERATURE) -> np.ndarray:
    z = (row - row.max()) / temperature
    e = np.exp(z)
    return e / e.sum()


def _to_classification(model: LinearModel, row: np.ndarray, allowed: np.ndarray | None,
                       top: int) -> Classification:
    probs = _softmax(np.where(allowed, row, -np.inf) if allowed is not None else row)
    order = np.argsort(-probs)
    best = model.classes[int(order[0])]
    entry = CODES[best]
    scores = tuple((model.classes[int(i)], round(float(probs[i]), 4)) for i in order[:top])
    return Classification(best, entry.event_type, entry.sub_event_type, float(probs[order[0]]), scores)


def classify_many(texts: Sequence[str], *, allow: Iterable[str] | None = None, top: int = 5,
                  model: LinearModel | None = None) -> list[Classification]:
    """Classify many sentences or snippets at once (one sparse product for the batch).

    ``allow`` restricts the answer to some codes, e.g. ``taxonomy.CASE_CODES`` for data where
    every text is known to report an event.
    """
    model = model or load_model()
    if not texts:
        return []
    allowed = None
    if allow is not None:
        keep = set(allow)
        allowed = np.array([c in keep for c in model.classes])
    scores = model.decision(texts)
    return [_to_classification(model, scores[i], allowed, top) for i in range(len(texts))]


def classify_text(text: str, *, allow: Iterable[str] | None = None) -> Classification:
    """Classify one sentence or short snippet; NONE when it reports no codable event."""
    return classify_many([text], allow=allow)[0]


__all__ = ["BLOCK_WEIGHTS", "FEATURE_VERSION", "MODEL_PATH", "Classification", "LinearModel", "block_normalize",
           "classify_many", "classify_text", "explain", "feature_blocks", "features", "load_model"]


def explain(text: str, code: str | None = None, *, top: int = 10,
            model: LinearModel | None = None) -> list[tuple[str, float]]:
    """The features that most raise the score of ``code`` (default: the predicted code) for a text."""
    model = model or load_model()
    x = model.vectorize([text])
    cls = model.classes.index(code) if code else int(np.argmax(np.asarray(x @ model.coef.T)[0]
                                                            + model.intercept))
    terms = {i: t for t, i in model.vocab.items() if i in set(x.indices.tolist())}
    contrib = [(terms[i], float(v * model.coef[cls, i])) for i, v in zip(x.indices, x.data, strict=True)]
    contrib.sort(key=lambda p: -p[1])
    return [("<intercept>", float(model.intercept[cls])), *contrib[:top]]
