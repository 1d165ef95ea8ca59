"""The interface's modus list is the taxonomy's: the engine's codes plus ``none``."""

from sigap.core.taxonomy import Modus, modus_label
from sigap.detection.types import MODUS_CODES


def test_every_engine_code_has_a_label_and_nothing_else() -> None:
    assert set(Modus.values) == {*MODUS_CODES, "none"}


def test_labels_follow_the_language() -> None:
    from django.utils import translation

    with translation.override("id"):
        assert modus_label("online_scam") == "Perekrutan ke sindikat penipuan / judi daring"
    with translation.override("en"):
        assert modus_label("online_scam") == "Recruitment into scam or online-gambling syndicates"
    assert modus_label("not_a_code") == "not_a_code"
