"""The detector catalog through the real wheel: the accuracy harness (tests/catalog/accuracy.py)
at 100 values per type and position, groups and types in `detect`, and the closest-match error
for an unknown name."""

import importlib.util
import pathlib

import pytest

import tamis

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _harness():
    spec = importlib.util.spec_from_file_location("catalog_accuracy", ROOT / "tests/catalog/accuracy.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_every_catalog_type_is_found_and_look_alikes_are_left_alone():
    h = _harness()
    r = h.run(100)
    assert len(r["types"]) >= 190
    low = {n: t for n, t in r["types"].items() if t["recall"] < h.RECALL_MIN}
    assert not low, f"recall below {h.RECALL_MIN}: {sorted(low)}"
    keys = {n: t["key_kept"] for n, t in r["types"].items() if t["key_kept"] is not None and t["key_kept"] < h.RECALL_MIN}
    assert not keys, f"key names masked with their values: {keys}"
    changed = {n: t["near_misses_changed"] for n, t in r["types"].items() if t["near_misses_changed"]}
    assert not changed, f"near misses changed: {changed}"
    assert r["benign"]["changed"] == 0, r["benign"]["examples"]


def test_a_group_selects_its_types_and_a_type_only_itself():
    text = "key sk-ant-api03-" + "a1B" * 28 + "xy-" + "Q" * 8 + " and 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
    secrets = tamis.Policy.from_toml(
        'version = 1\nname = "t"\n[[rule]]\nid = "s"\ndetect = ["secrets"]\naction = "replace"\nreplacement = "[{type}]"\n'
    )
    out = secrets.mask_text(text)
    assert "sk-ant-" not in out and "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa" in out
    crypto = tamis.Policy.from_toml(
        'version = 1\nname = "t"\n[[rule]]\nid = "c"\ndetect = ["bitcoin_address"]\naction = "replace"\nreplacement = "[{type}]"\n'
    )
    assert crypto.mask_text(text).endswith("and [bitcoin_address]")


def test_an_unknown_detector_names_the_closest_type_or_group():
    for wrong, near in [("opneai_api_key", "openai_api_key"), ("secret", "secrets"), ("openai", "openai_api_key")]:
        with pytest.raises(tamis.PolicyError) as e:
            tamis.Policy.from_toml(
                f'version = 1\nname = "t"\n[[rule]]\nid = "s"\ndetect = ["{wrong}"]\naction = "redact"\n'
            )
        assert f"did you mean `{near}`?" in str(e.value)
        assert "tamis detectors" in str(e.value)
