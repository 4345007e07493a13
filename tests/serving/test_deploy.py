from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")

DEPLOY = Path(__file__).resolve().parents[2] / "serving" / "deploy"


def load(name):
    return yaml.safe_load((DEPLOY / name).read_text())


def test_compose_serves_the_repository_on_a_gpu_with_a_readiness_check():
    service = load("docker-compose.yml")["services"]["triton"]
    assert "/models" in service["volumes"][0] and "--model-repository=/models" in service["command"]
    assert {p.split(":")[-1] for p in service["ports"]} == {"8000", "8001", "8002"}
    assert all(p.startswith("127.0.0.1:") for p in service["ports"])
    gpu = service["deploy"]["resources"]["reservations"]["devices"][0]
    assert gpu["capabilities"] == ["gpu"]
    assert "/v2/health/ready" in " ".join(service["healthcheck"]["test"])


def test_deployment_probes_send_a_real_request_not_only_the_health_endpoint():
    container = load("k8s/deployment.yaml")["spec"]["template"]["spec"]["containers"][0]
    for probe in ("readinessProbe", "livenessProbe"):
        command = container[probe]["exec"]["command"]
        assert command[:3] == ["biolite", "serve", "probe"] and "127.0.0.1:8001" in command
    assert container["startupProbe"]["httpGet"]["path"] == "/v2/health/ready"
    assert container["resources"]["limits"]["nvidia.com/gpu"] == 1
    assert {p["containerPort"] for p in container["ports"]} == {8000, 8001, 8002}


def test_service_and_autoscaler_point_at_the_deployment():
    deployment = load("k8s/deployment.yaml")
    service = load("k8s/service.yaml")
    hpa = load("k8s/hpa.yaml")
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"] == labels
    assert hpa["spec"]["scaleTargetRef"]["name"] == deployment["metadata"]["name"]
    metric = hpa["spec"]["metrics"][0]["pods"]["metric"]["name"]
    rules = yaml.safe_load(load("k8s/prometheus-adapter-rules.yaml")["data"]["config.yaml"])
    assert rules["rules"][0]["name"]["as"] == metric
    assert "nv_inference_queue_duration_us" in rules["rules"][0]["seriesQuery"]


@pytest.mark.parametrize("where", ["compose", "k8s"])
def test_deployed_servers_have_no_load_api_and_key_locked_admin_protocols(where):
    from biolite.serving.launcher import ADMIN_PROTOCOLS

    if where == "compose":
        args = load("docker-compose.yml")["services"]["triton"]["command"]
    else:
        args = load("k8s/deployment.yaml")["spec"]["template"]["spec"]["containers"][0]["args"]
    assert "--model-control-mode=none" in args
    for flag in ("--grpc-restricted-protocol=", "--http-restricted-api="):
        (value,) = [a[len(flag) :] for a in args if a.startswith(flag)]
        protocols, key = value.split(":", 1)
        assert set(protocols.split(",")) == set(ADMIN_PROTOCOLS)
        assert key.startswith("biolite-admin-key=$") or key.startswith("biolite-admin-key=${")
