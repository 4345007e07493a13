import math

import pytest
import torch

from biolite.training.distill import losses


def test_soft_kl_matches_a_hand_computation_and_scales_by_t_squared():
    student = torch.tensor([[[0.0, 0.0]]])
    teacher = torch.tensor([[[math.log(3.0), 0.0]]])
    masked = torch.tensor([[True]])
    # T = 1: p_teacher = (3/4, 1/4), p_student = (1/2, 1/2)
    expected = 0.75 * math.log(0.75 / 0.5) + 0.25 * math.log(0.25 / 0.5)
    assert losses.soft_kl(student, teacher, masked, 1.0).item() == pytest.approx(expected, rel=1e-5)
    # T = 2: p_teacher = (sqrt 3, 1) / (sqrt 3 + 1), times T^2
    p = math.sqrt(3) / (math.sqrt(3) + 1)
    expected = 4 * (p * math.log(p / 0.5) + (1 - p) * math.log((1 - p) / 0.5))
    assert losses.soft_kl(student, teacher, masked, 2.0).item() == pytest.approx(expected, rel=1e-5)


def test_only_masked_positions_count_in_the_output_losses():
    student = torch.tensor([[[0.0, 0.0], [9.0, -9.0]]])
    teacher = torch.tensor([[[math.log(3.0), 0.0], [-9.0, 9.0]]])
    masked = torch.tensor([[True, False]])
    alone = losses.soft_kl(student[:, :1], teacher[:, :1], masked[:, :1], 1.0)
    assert losses.soft_kl(student, teacher, masked, 1.0).item() == pytest.approx(alone.item())
    ce = losses.soft_cross_entropy(student, teacher, masked)
    assert ce.item() == pytest.approx(math.log(2))  # -(3/4 + 1/4) log 1/2


def test_hidden_cosine_averages_one_minus_cosine_over_real_tokens():
    student = torch.tensor([[[1.0, 0.0], [1.0, 0.0], [5.0, 5.0]]])
    teacher = torch.tensor([[[0.0, 1.0], [2.0, 0.0], [-5.0, 5.0]]])
    mask = torch.tensor([[1, 1, 0]])  # the third token is padding
    assert losses.hidden_cosine(student, teacher, mask).item() == pytest.approx(0.5)


def test_attention_kl_uses_log_of_student_probabilities_plus_epsilon():
    student = torch.tensor([[[[1.0, 0.0], [0.5, 0.5]]]])  # (batch, heads, query, key)
    teacher = torch.tensor([[[[0.5, 0.5], [0.5, 0.5]]]])
    mask = torch.tensor([[1, 0]])  # only the first query row is a real token
    expected = 0.5 * (math.log(0.5) - math.log(1 + 1e-12)) + 0.5 * (math.log(0.5) - math.log(1e-12))
    assert losses.attention_kl(student, teacher, mask).item() == pytest.approx(expected, rel=1e-5)


def test_attention_mse_and_projected_mse():
    a, b = torch.zeros(1, 1, 2, 2), torch.ones(1, 1, 2, 2)
    assert losses.attention_mse(a, b).item() == 1.0
    projection = torch.nn.Linear(2, 3, bias=False)
    with torch.no_grad():
        projection.weight.copy_(torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]))
    student, teacher = torch.tensor([[[1.0, 2.0]]]), torch.tensor([[[1.0, 2.0, 0.0]]])
    assert losses.projected_mse(student, teacher, projection).item() == pytest.approx(3.0)


@pytest.mark.parametrize(
    ("teacher", "student", "offset", "expected"),
    [
        (12, 6, 0, [0, 2, 4, 6, 8, 10]),
        (12, 6, 1, [1, 3, 5, 7, 9, 11]),
        (12, 4, 2, [2, 5, 8, 11]),
        (4, 2, 1, [1, 3]),
        (6, 2, 2, [2, 5]),
    ],
)
def test_layer_maps_derive_from_the_layer_counts(teacher, student, offset, expected):
    assert losses.layer_map(teacher, student, offset) == expected


def test_impossible_layer_maps_are_refused():
    with pytest.raises(ValueError):
        losses.layer_map(4, 6)
    with pytest.raises(ValueError):
        losses.layer_map(12, 6, offset=2)
