"""Which events a report is about, and the sentences about each: the first step of a draft.

One event per exercise named (its codename, quoted or not), per crossing named, per
signed document, per place something happened at (an incident) and per visit. Each
keeps the sentences that name it or say what happened (``core``) and those that go on
about it (``scope``); ``drafts`` fills a record's fields from those sentences only, so a
second event in a paragraph does not take the first one's parties.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from frontier_atlas.domain.text import normalise
from frontier_atlas.ingest.codenames import Codename
from frontier_atlas.ingest.entities import PlaceFound, Spans
from frontier_atlas.ingest.sentences import Sentences

EXERCISE_CUES = re.compile(r"\b(?:exercises?|drills?|manoeuvres?|maneuvers?|war games)\b", re.I)
INCIDENT_CUES = re.compile(
    r"\b(?:opened fire|fired|firing|shell(?:ed|ing)|shots?|shooting|shootout|clash(?:es|ed)?|skirmish(?:es)?|"
    r"attack(?:ed|s)?|killed|wounded|injured|detained|violat(?:ed|ions?|ors?)|provocation|drone strikes?|"
    r"borderi[sz]ation|withdr[ae]w(?:al|n|ing|s)?|intrusion|incursion|checkpoint was (?:set up|installed)|"
    r"installed a checkpoint|set up a checkpoint|closed)\b", re.I)
DEAL = re.compile(r"\b(?:sign(?:ed|s|ing)?|agreed (?:on|to)|adopted|reached|initiall?ed|concluded|finali[sz]ed?|"
                  r"approved)\b[^.;]{0,80}?\b(?P<what>agreement|memorandum(?: of understanding)?|"
                  r"protocol(?:-description)?|contract|deal|treaty|declaration|road ?map)\b", re.I)
# visits and talks: "will visit Iran … negotiations", "delegations … visited … Astara"
MEETING_CUES = re.compile(r"\b(?:visit(?:ed|s|ing)?|held talks|negotiations|talks were held|met with)\b", re.I)
# a drill sentence about another drill than the report's named one
OTHER_DRILL = re.compile(r"\b(?:previous|earlier|similar|former|prior|another|future|upcoming|next|"
                         r"follows|following|last year)\b", re.I)
PARTAKE = re.compile(r"\b(?:tak(?:e|es|ing)|took) part\b|\bparticipat", re.I)
QUOTED_DOCUMENT = re.compile(r"[“\"](?P<title>(?:Memorandum|Agreement|Protocol|Treaty|Declaration|Contract|Joint "
                             r"Declaration|Joint Statement)\b[^”\"\n]{0,300})[”\"]")
SIGNED = re.compile(r"\bsign(?:ed|s|ing)?\b", re.I)
AGREEMENT_CUE = re.compile(r"\bagreed on the text of (?:a |the )?(?P<what>[\w ]{3,40}?agreement)\b", re.I)


class ByKey(dict):
    """Items grouped by their paragraph or sentence, in their order: one pass instead of one
    scan of all items per paragraph."""

    def __init__(self, items: list, key_of: Callable[[Any], int | None]) -> None:
        super().__init__()
        for x in items:
            key = key_of(x)
            if key is not None:
                self.setdefault(key, []).append(x)

    def __missing__(self, key: int) -> list:
        return []


_LINK_WORDS = {"of", "on", "between", "and", "the", "for", "in"}


def trim_name(name: str) -> str:
    """A document's name without the link words it ended on ("Protocol-description of" -> "Protocol-description")."""
    parts = name.split()
    while parts and parts[-1].lower() in _LINK_WORDS:
        parts.pop()
    return " ".join(parts).rstrip(" ,.;")


_TOKEN = re.compile(r"[\w’'\-]+")


def hyphenated(text: str, span: tuple[int, int]) -> tuple[str, str] | None:
    """("Margara-Alican", "Alican") when the name at ``span`` is one side of a hyphenated pair."""
    a = span[0]
    while a > 0 and (text[a - 1].isalnum() or text[a - 1] == "-"):
        a -= 1
    m = _TOKEN.match(text, a)
    if not m or "-" not in m.group():
        return None
    parts = [x for x in m.group().split("-") if x]
    if len(parts) != 2 or not all(x[:1].isupper() for x in parts):
        return None
    here = text[span[0]:span[1]].split()[0]
    other = parts[1] if parts[0] == here else parts[0] if parts[1] == here else None
    return (m.group(), other) if other else None


@dataclass
class Event:
    """What a draft is made from: its kind, name and the sentences about it."""
    kind: str
    name: str
    name_span: tuple[int, int]
    core: list[int]  # sentences that name it or say what happened
    scope: list[int]  # those and the sentences that go on about it
    extra: dict = field(default_factory=dict)


class Layout:
    """A text's paragraphs and sentences, and which paragraph each sentence is in."""

    def __init__(self, text: str, paragraphs: list[tuple[int, int]]) -> None:
        self.text = text
        self.paragraphs = Spans(paragraphs)
        self.sentences = Sentences(text)
        # a sentence's paragraph (the one before, for a sentence starting in the space between)
        self.para_of_sentence = [max(0, bisect_right(self.paragraphs.starts, a) - 1) for a, _ in self.sentences.spans]
        self.sentences_in_paragraph = ByKey(list(range(len(self.sentences))), lambda k: self.para_of_sentence[k])

    def sentence_of(self, pos: int) -> int:
        return self.sentences.index(pos)


def find_events(layout: Layout, places: list[PlaceFound], codenames: list[Codename]) -> list[Event]:
    """The events of a report in the order drafts are made: exercises, crossings, agreements,
    incidents, visits. Linear in the text: each cue is found by one pass, each sentence's
    paragraph by one bisection, and a name's scope looks at most eight sentences ahead."""
    text, sentences, para_of_sentence = layout.text, layout.sentences, layout.para_of_sentence
    sentence_of = layout.sentence_of
    n_sent = len(sentences)
    drill_sentences = {sentence_of(m.start()) for m in EXERCISE_CUES.finditer(text)}
    events: list[Event] = []

    # ---- exercises: one per codename, from the sentences that name it and those after that
    # go on about a drill, up to the next sentence naming another exercise
    named_in: dict[int, set[str]] = {}
    by_name: dict[str, list[Codename]] = {}
    for c in codenames:
        s = sentence_of(c.span[0])
        if c.how == "quoted" and not c.introduced and s not in drill_sentences:
            continue
        if re.search(r"\b(?:slogan|motto|theme)\s*\Z", text[max(0, c.span[0] - 20):c.span[0]], re.I):
            continue
        if s not in drill_sentences and not c.introduced:
            continue
        key = normalise(c.name)
        by_name.setdefault(key, []).append(c)
        named_in.setdefault(s, set()).add(key)
    # drill sentences before any exercise is named (the lead: "Iran launched a joint drill Sunday …")
    # are about the first one named
    first_named = min((sentence_of(c[0].span[0]) for c in by_name.values()), default=0)
    lead = [k for k in sorted(drill_sentences) if k < first_named and not OTHER_DRILL.search(text, *sentences.spans[k])]
    for key, found in by_name.items():
        core, scope = ([*lead], [*lead]) if sentence_of(found[0].span[0]) == first_named else ([], [])
        for c in found:
            s = sentence_of(c.span[0])
            core.append(s)
            scope.append(s)
            pn = para_of_sentence[s]
            # the sentences before it in its paragraph that are about a drill ("… conducted drills
            # in Aslanduz. The four-day drill, codenamed “Aras Joint Exercise,” began …")
            for k in range(s - 1, max(-1, s - 4), -1):
                if para_of_sentence[k] != pn or k not in drill_sentences or named_in.get(k, set()) - {key}:
                    break
                core.append(k)
                scope.append(k)
            for k in range(s + 1, min(n_sent, s + 8)):
                if named_in.get(k, set()) - {key}:
                    break  # another exercise's sentence
                pk = para_of_sentence[k]
                if pk > pn + 1:
                    break
                if k in drill_sentences:
                    core.append(k)
                    scope.append(k)
                elif pk == pn:
                    scope.append(k)
                else:  # the next paragraph, no longer about a drill
                    break
        # "taking part", "participated": who else, in the sentences after a name
        partake = []
        for c in found:
            s = sentence_of(c.span[0])
            for k in range(s + 1, min(n_sent, s + 8)):
                if named_in.get(k, set()) - {key}:
                    break
                if k not in core and PARTAKE.search(text, *sentences.spans[k]):
                    partake.append(k)
        if len(by_name) == 1:  # the report's one exercise: its other drill sentences are about it too
            core += [k for k in drill_sentences if not named_in.get(k, set()) - {key}
                     and not OTHER_DRILL.search(text, *sentences.spans[k])]
            scope += core
        first = found[0]
        span = first.span
        name = first.name.strip("“”\" ,.")
        events.append(Event("exercise", name, span, sorted(set(core)), sorted(set(scope)),
                             {"partake": sorted(set(partake) - set(core))}))

    # ---- crossings: one per crossing named, from the sentences that name it
    crossing_places: dict[str, list[PlaceFound]] = {}
    crossings = [(p, hyphenated(text, p.span)) for p in places if p.kind == "crossing"]
    pair_of: dict[str, str] = {}  # a side's name -> its pair's ("margara" -> "margara alican")
    for _, pair in crossings:
        for side in pair[0].split("-") if pair else ():
            pair_of.setdefault(normalise(side), normalise(pair[0]))
    crossing_pair: dict[str, tuple[str, str]] = {}  # a crossing's first hyphenated pair, as ``hyphenated`` gives it
    for p, pair in crossings:  # the two sides of "the Alican-Margara gate", and either alone, are one crossing
        key = normalise(pair[0]) if pair else pair_of.get(normalise(p.name), normalise(p.name))
        crossing_places.setdefault(key, []).append(p)
        if pair:
            crossing_pair.setdefault(key, pair)
    for key, group in crossing_places.items():
        ss = sorted({sentence_of(p.span[0]) for p in group})
        events.append(Event("crossing", group[0].name, group[0].span, ss, ss,
                            {"place": group[0], "pair": crossing_pair.get(key)}))

    # ---- agreements: the seed's "agreed on the text of a peace agreement", then any document signed
    agreement_sentences: set[int] = set()
    for m in AGREEMENT_CUE.finditer(text):
        s = sentence_of(m.start())
        if s in agreement_sentences:
            continue
        agreement_sentences.add(s)
        events.append(Event("agreement", "", m.span(), [s], [s], {"cue": m}))
    for m in DEAL.finditer(text):
        s = sentence_of(m.start())
        if s in agreement_sentences or s in drill_sentences:
            continue
        agreement_sentences.add(s)
        events.append(Event("deal", "", m.span(), [s], [s], {"cue": m}))

    # "… documents were signed … on February 25. Among them is the “Memorandum of Understanding …”"
    for m in QUOTED_DOCUMENT.finditer(text):
        s = sentence_of(m.start())
        if s in agreement_sentences:
            continue
        signed = next((k for k in (s, s - 1) if k >= 0 and SIGNED.search(text, *sentences.spans[k])), None)
        if signed is None:
            continue
        agreement_sentences.add(s)
        events.append(Event("deal", trim_name(m.group("title")), m.span("title"), sorted({signed, s}),
                             sorted({signed, s}), {"cue": m, "title": True}))

    # ---- incidents: the sentences of a paragraph that say something happened, one of them at a
    # place; paragraphs about the same place are one incident
    place_sentences: dict[int, list[PlaceFound]] = {}
    for p in places:
        if p.kind != "country" and p.role is None:
            place_sentences.setdefault(sentence_of(p.span[0]), []).append(p)
    taken = {s for e in events for s in e.core}
    by_paragraph: dict[int, list[re.Match]] = {}
    for m in INCIDENT_CUES.finditer(text):
        s = sentence_of(m.start())
        if s not in taken and s not in drill_sentences:
            by_paragraph.setdefault(para_of_sentence[s], []).append(m)
    incidents: dict[str, Event] = {}
    last: tuple[int, Event] | None = None  # the paragraph the last incident was read in, and it
    for pn, cues in by_paragraph.items():
        ss = list(dict.fromkeys(sentence_of(m.start()) for m in cues))
        at = [p for s in ss for p in place_sentences.get(s, [])]
        if not at:
            if last is not None and last[0] == pn - 1:  # the story goes on in the next paragraph
                last[1].core += ss
                last = (pn, last[1])
            continue
        key = normalise(at[0].position.matched if at[0].position else at[0].name)
        if key in incidents:
            incidents[key].core += [s for s in ss if s not in incidents[key].core]
            last = (pn, incidents[key])
            continue
        cue = next(m for m in cues if sentence_of(m.start()) in place_sentences)
        incidents[key] = Event("incident", cue.group().lower(), cue.span(), ss, ss, {"cue": cue})
        last = (pn, incidents[key])
        events.append(incidents[key])

    taken |= {s for e in incidents.values() for s in e.core}
    meetings: dict[int, Event] = {}  # one a paragraph
    for m in MEETING_CUES.finditer(text):
        s = sentence_of(m.start())
        pn = para_of_sentence[s]
        if s in taken or s in drill_sentences or s not in place_sentences or pn in meetings:
            continue
        meetings[pn] = Event("meeting", m.group().lower(), m.span(), [s], [s], {"cue": m})
        events.append(meetings[pn])

    return events
