"""``biolite serve probe``: is every served pipeline able to answer a real request?

``/v2/health/ready`` only says that Triton has loaded the models; a python-backend
stub that died leaves the model "ready" while every request fails. The probe sends
one short document to each pipeline (the entry models of the repository, or the
names given) and reports the ones that do not answer — what a Kubernetes readiness
or liveness probe should run.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from biolite.errors import TritonRequestError
from biolite.tasks import TASKS

#: served output name -> a short document every model of that task answers
PROBE_DOCUMENTS = {t.served_output: t.probe_document for t in TASKS.values()}


@dataclass(frozen=True)
class ProbeResult:
    model: str
    ok: bool
    seconds: float
    message: str = ""

    def line(self) -> str:
        status = "ok  " if self.ok else "FAIL"
        return f"[{status}] {self.model} {1000 * self.seconds:.0f} ms {self.message}".rstrip()


def entry_models(url: str, timeout: float = 5.0) -> dict[str, str]:
    """``{model: output name}`` of the served pipelines (models with a TEXT input)."""
    import tritonclient.grpc as grpc

    client = grpc.InferenceServerClient(url.removeprefix("grpc://"))
    found = {}
    for model in client.get_model_repository_index(client_timeout=timeout).models:
        meta = client.get_model_metadata(model.name, client_timeout=timeout)
        if [i.name for i in meta.inputs] == ["TEXT"]:
            found[model.name] = meta.outputs[0].name
    return found


def probe(url: str, models: list[str] | None = None, timeout: float = 5.0) -> list[ProbeResult]:
    """One real request per pipeline; a result per model, failures included."""
    from biolite.serving.client import TritonClient

    try:
        served = entry_models(url, timeout)
    except Exception as exc:  # the server itself is down
        return [ProbeResult("(server)", False, 0.0, f"{url} unreachable: {exc}")]
    results = []
    for name in models or sorted(served):
        if name not in served:
            results.append(ProbeResult(name, False, 0.0, "not a served pipeline here"))
            continue
        client = TritonClient(url, name, served[name], timeout=timeout, retries=0)
        started = time.perf_counter()
        try:
            client.request([PROBE_DOCUMENTS.get(served[name], "probe")])
            results.append(ProbeResult(name, True, time.perf_counter() - started))
        except TritonRequestError as exc:
            results.append(ProbeResult(name, False, time.perf_counter() - started, str(exc)))
    return results
