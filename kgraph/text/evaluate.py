"""Score extraction against gold annotations with the matching rules of docs/extraction-format.md.

Names are compared after NFC, case folding and collapsing of spaces, dashes and
quotes (diacritics count); gold aliases map to the gold name. Visits match on
(visitor, place), "visits+dates" also on start and end; roles on person, the
first word of the role, and `of`.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from kgraph.errors import ReadError
from kgraph.files import read_json_lines

__all__ = ["Score", "score", "load_jsonl", "normalise", "TYPES", "BANDS"]

TYPES = ("Person", "City", "Country", "Organization")


def normalise(text) -> str:
    if text is None:
        return ""
    text = unicodedata.normalize("NFC", str(text)).casefold()
    text = re.sub(r"[\u2010-\u2015\-]+", "-", text)
    text = re.sub(r"\s*-\s*", "-", text)
    text = re.sub(r"[\"'„”“«».,]", "", text)
    return re.sub(r"\s+", " ", text).strip()


def load_jsonl(path: str | Path) -> dict[str, dict]:
    """Documents of a JSON Lines file by name (the part of "doc" after the last "/")."""
    docs = {}
    for number, record in read_json_lines(Path(path), "give a UTF-8 JSON Lines file, one object per line"):
        if not isinstance(record, dict) or "doc" not in record:
            raise ReadError(f"{path}:{number}: each line needs an object with a \"doc\" field")
        docs[str(record["doc"]).rsplit("/", 1)[-1]] = record
    return docs


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: set, predicted: set):
        self.tp += len(gold & predicted)
        self.fp += len(predicted - gold)
        self.fn += len(gold - predicted)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def row(self) -> dict:
        return {"p": round(self.precision, 3), "r": round(self.recall, 3), "f1": round(self.f1, 3),
                "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass
class Score:
    documents: int = 0
    without_prediction: list[str] = field(default_factory=list)
    by_type: dict[str, Counts] = field(default_factory=lambda: {t: Counts() for t in TYPES})
    entities: Counts = field(default_factory=Counts)
    visits: Counts = field(default_factory=Counts)
    visits_with_dates: Counts = field(default_factory=Counts)
    roles: Counts = field(default_factory=Counts)
    misses: list[str] = field(default_factory=list)
    # precision of the predicted visits and roles, by the rule that made them and by confidence band
    by_rule: dict[str, Counts] = field(default_factory=dict)
    by_band: dict[str, Counts] = field(default_factory=dict)

    def judge(self, fact: dict, kind: str, correct: bool) -> None:
        """Count one predicted fact as right or wrong under its rule and its confidence band."""
        evidence = fact.get("evidence") or {}
        rule = f"{kind}:{str(evidence.get('rule') or 'unknown').split(':')[0]}"
        confidence = evidence.get("confidence")
        band = next((name for name, low in BANDS if confidence is not None and confidence >= low), "no confidence")
        for table, key in ((self.by_rule, rule), (self.by_band, band)):
            counts = table.setdefault(key, Counts())
            counts.tp += correct
            counts.fp += not correct

    def rows(self) -> list[tuple[str, Counts]]:
        return ([("entities", self.entities)] + [(f"  {t}", c) for t, c in self.by_type.items()]
                + [("visits", self.visits), ("visits+dates", self.visits_with_dates), ("roles", self.roles)])

    def as_dict(self) -> dict:
        return {"documents": self.documents, "without_prediction": self.without_prediction,
                "entities": self.entities.row(), "entities_by_type": {t: c.row() for t, c in self.by_type.items()},
                "visits": self.visits.row(), "visits_with_dates": self.visits_with_dates.row(), "roles": self.roles.row(),
                "by_rule": {k: c.row() for k, c in sorted(self.by_rule.items())},
                "by_confidence": {name: self.by_band[name].row() for name, _ in BANDS if name in self.by_band}}


# Confidence bands, highest first: a fact falls in the first band whose floor it reaches.
BANDS = (("≥ 0.9", 0.9), ("0.8–0.9", 0.8), ("0.7–0.8", 0.7), ("0.6–0.7", 0.6), ("< 0.6", 0.0))


def score(gold: dict[str, dict], predicted: dict[str, dict]) -> Score:
    result = Score(documents=len(gold), without_prediction=sorted(set(gold) - set(predicted)))
    for name, g in sorted(gold.items()):
        p = predicted.get(name, {})
        aliases = {}
        for entity in g.get("entities", []):
            for spelling in [entity.get("name")] + list(entity.get("aliases") or []):
                aliases.setdefault(normalise(spelling), normalise(entity.get("name")))

        def canon(text):
            return aliases.get(normalise(text), normalise(text))

        for kind in TYPES:
            gk = {canon(e["name"]) for e in g.get("entities", []) if e.get("type") == kind}
            pk = {canon(e.get("name")) for e in p.get("entities", []) if e.get("type") == kind}
            result.by_type[kind].add(gk, pk)
            result.entities.add(gk, pk)
            result.misses += [f"{name}: missed {kind} {k}" for k in sorted(gk - pk)]
            result.misses += [f"{name}: spurious {kind} {k}" for k in sorted(pk - gk)]
        gv = {(canon(v["visitor"]), canon(v["place"])): v for v in g.get("visits", [])}
        pv = {(canon(v.get("visitor")), canon(v.get("place"))): v for v in p.get("visits", [])}
        result.visits.add(set(gv), set(pv))
        for visit in p.get("visits", []):
            result.judge(visit, "visit", (canon(visit.get("visitor")), canon(visit.get("place"))) in gv)
        result.visits_with_dates.add({k + (v.get("start"), v.get("end")) for k, v in gv.items()},
                                     {k + (v.get("start"), v.get("end")) for k, v in pv.items()})
        result.misses += [f"{name}: missed visit {a} -> {b}" for a, b in sorted(set(gv) - set(pv))]
        result.misses += [f"{name}: spurious visit {a} -> {b}" for a, b in sorted(set(pv) - set(gv))]
        for key in sorted(set(gv) & set(pv)):
            if (gv[key].get("start"), gv[key].get("end")) != (pv[key].get("start"), pv[key].get("end")):
                result.misses += [f"{name}: visit {key[0]} -> {key[1]} dated {pv[key].get('start')}..{pv[key].get('end')}, "
                                  f"gold {gv[key].get('start')}..{gv[key].get('end')}"]

        def head(role):
            return (normalise(role.get("role")).split(" ") or [""])[0]

        gr = {(canon(r["person"]), head(r), canon(r.get("of"))) for r in g.get("roles", [])}
        pr = {(canon(r.get("person")), head(r), canon(r.get("of"))) for r in p.get("roles", [])}
        result.roles.add(gr, pr)
        for role in p.get("roles", []):
            result.judge(role, "role", (canon(role.get("person")), head(role), canon(role.get("of"))) in gr)
        result.misses += [f"{name}: missed role {' / '.join(k)}" for k in sorted(gr - pr)]
        result.misses += [f"{name}: spurious role {' / '.join(k)}" for k in sorted(pr - gr)]
    return result
