import json

import pytest

from biolite.cli.main import main
from biolite.errors import UnknownNameError
from biolite.registry import REGISTRY, TEACHER, count_parameters, from_config, get_spec

# body parameter counts quoted in the paper and docs/architecture.md (millions), 5% tolerance
PAPER_PARAMS_M = {
    "biobert": 108,
    "distilbiobert": 65,
    "compactbiobert": 65,
    "tinybiobert": 13.8,
    "biodistilbert-cased": 65,
    "biodistilbert-uncased": 65,
    "biotinybert": 14.3,
    "biomobilebert": 25,
}


def test_registry_holds_the_teacher_and_all_six_students_with_both_biodistilbert_variants():
    assert set(REGISTRY) == set(PAPER_PARAMS_M)
    assert REGISTRY[TEACHER].family == "teacher"
    assert sum(s.family == "distilled" for s in REGISTRY.values()) == 3
    assert sum(s.family == "continual" for s in REGISTRY.values()) == 4


@pytest.mark.parametrize("name", sorted(PAPER_PARAMS_M))
def test_computed_parameter_count_matches_the_paper(name):
    assert REGISTRY[name].params / 1e6 == pytest.approx(PAPER_PARAMS_M[name], rel=0.05)


def test_students_are_smaller_than_the_teacher():
    teacher = REGISTRY[TEACHER].params
    assert all(s.params < teacher for n, s in REGISTRY.items() if n != TEACHER)


@pytest.mark.parametrize("name", ["tinybiobert", "biotinybert", "biomobilebert"])
def test_from_config_builds_the_exact_architecture_with_random_weights(name):
    model = from_config(name)
    assert sum(p.numel() for p in model.parameters()) == count_parameters(REGISTRY[name].arch)
    assert model.config.vocab_size == REGISTRY[name].arch.vocab_size


def test_from_config_adds_the_requested_task_head():
    model = from_config("tinybiobert", head="ner", num_labels=5)
    assert model.classifier.out_features == 5


def test_lookup_accepts_hub_id_and_paper_name_and_lists_valid_names_otherwise():
    assert get_spec("nlpie/tiny-biobert").name == "tinybiobert"
    assert get_spec("CompactBioBERT").name == "compactbiobert"
    with pytest.raises(UnknownNameError, match="tinybiobert"):
        get_spec("gigabiobert")


def test_models_command_prints_json_with_the_documented_fields(capsys):
    assert main(["models", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == len(REGISTRY)
    for row in rows:
        assert {
            "name",
            "hub_id",
            "layers",
            "hidden",
            "heads",
            "intermediate",
            "vocab_size",
            "params",
        } <= set(row)
        assert row["params"] == REGISTRY[row["name"]].params


def test_models_command_prints_a_table_with_every_model(capsys):
    assert main(["models"]) == 0
    out = capsys.readouterr().out
    assert all(spec.hub_id in out for spec in REGISTRY.values())
    assert "108.3M" in out


def test_a_checkpoint_is_recognised_by_its_architecture():
    from biolite.registry import identify

    assert identify(REGISTRY["tinybiobert"].arch.to_config()) == ["tinybiobert"]
    assert identify(REGISTRY["distilbiobert"].arch.to_config()) == [
        "distilbiobert",
        "compactbiobert",
    ]
    assert identify(REGISTRY["biobert"].arch.to_config(num_hidden_layers=5)) == []
