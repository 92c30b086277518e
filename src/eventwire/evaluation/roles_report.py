"""``eventwire eval roles``: the RAMS argument scores (place included) and the UCDP actor scores in one report."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eventwire.evaluation.actors import iter_ucdp_text, score_ucdp
from eventwire.evaluation.event_place import ChoiceTally, rams_examples, score_choices
from eventwire.evaluation.roles import iter_roles_text, score_rams
from eventwire.evaluation.splits import VALIDATION
from eventwire.mentions import load_roles
from eventwire.pipeline import load_resources


@dataclass
class RolesReport:
    """Scores of the learned roles and of the actor names, beside their plain peers."""

    rams: dict[str, Any]
    ucdp: dict[str, Any]
    model: dict[str, str]
    place: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """The report as plain data."""
        return {"rams": self.rams, "rams_place": self.place, "ucdp": self.ucdp, "model": self.model}

    def to_text(self) -> str:
        """The report as the command prints it."""
        lines = [f"role model: {self.model.get('source', '?')}", ""]
        lines += list(iter_roles_text(self.rams))
        p = self.place
        lines.append(f"RAMS place (the event place model of the geocoder; right when the chosen place overlaps the "
                     f"gold place argument, n={p['n']}): learned {p['chosen_right']:.3f}, nearest place entity "
                     f"{p['peer_nearest_place_entity']:.3f}")
        lines.append("")
        lines += list(iter_ucdp_text(self.ucdp))
        return "\n".join(lines)


def roles_report(data: Path, *, per_subset: int = 400) -> RolesReport:
    """Score the shipped role model on the RAMS validation part and the actors on UCDP validation headlines."""
    res = load_resources()
    model = load_roles()
    place = score_choices(rams_examples(data), res, parts=(VALIDATION,)).get(VALIDATION, ChoiceTally())
    return RolesReport(score_rams(res.nlp, model, data), score_ucdp(res.nlp, data, per_subset=per_subset), model.meta,
                       place.to_dict())
