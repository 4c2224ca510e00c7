"""
Arranges MLflow state with MLflow's own Python client, as a data scientist would, then reads it
back with that client and prints it as JSON on the last line of stdout. The cross-check test
compares the gateway's answers with this report.

    python mlflow-fixture.py <tracking-uri> <name-prefix>
    python mlflow-fixture.py <tracking-uri> --read <model-name>

The second form only reads one registered model (with its versions) and prints it, for checking
what the gateway wrote. The first creates, under the prefix:
  <prefix>-classifier  a model with a description and tags; three versions: v1 from a real run
                       (runs:/ source, run_id, run_link), its legacy stage moved to Archived with
                       the deprecated transition API; v2 and v3 on s3:// with tags; aliases
                       champion -> 2 and production -> 3 (the gateway's PRODUCTION stage)
  <prefix>-assistant   an LLM entry: one version whose generation config (tag
                       modelgate.generation_config) points at the prompt below, alias production -> 1
  <prefix>-greeting    a prompt of MLflow's Prompt Registry with two versions, alias production -> 2
"""

import json
import sys
import warnings

import mlflow
from mlflow import MlflowClient


def version_report(v):
    return {
        "name": v.name,
        "version": str(v.version),
        "source": v.source,
        "run_id": v.run_id or None,
        "run_link": v.run_link or None,
        "description": v.description or None,
        "current_stage": v.current_stage,
        "tags": dict(v.tags),
        "aliases": sorted(v.aliases),
        "creation_timestamp": v.creation_timestamp,
        "last_updated_timestamp": v.last_updated_timestamp,
    }


def model_report(client, name):
    m = client.get_registered_model(name)
    versions = client.search_model_versions(f"name = '{name}'", order_by=["version_number ASC"])
    return {
        "name": m.name,
        "description": m.description or None,
        "tags": dict(m.tags),
        "aliases": dict(m.aliases),
        "creation_timestamp": m.creation_timestamp,
        "last_updated_timestamp": m.last_updated_timestamp,
        # search leaves aliases empty: read each version with get, as the gateway's users would see it
        "versions": [version_report(client.get_model_version(name, v.version)) for v in versions],
    }


def main():
    tracking_uri = sys.argv[1]
    mlflow.set_tracking_uri(tracking_uri)
    mlflow.set_registry_uri(tracking_uri)
    client = MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)
    if sys.argv[2] == "--read":
        print(json.dumps(model_report(client, sys.argv[3])))
        return
    prefix = sys.argv[2]

    classifier = f"{prefix}-classifier"
    assistant = f"{prefix}-assistant"
    prompt = f"{prefix}-greeting"

    experiment_id = client.create_experiment(f"{prefix}-experiment")
    run = client.create_run(experiment_id, tags={"mlflow.runName": "train"})
    client.log_param(run.info.run_id, "lr", "0.01")
    client.set_terminated(run.info.run_id)
    run_id = run.info.run_id

    client.create_registered_model(classifier, tags={"team": "ml", "risk.tier": "low"}, description="Routes support tickets")
    client.create_model_version(
        classifier,
        source=f"runs:/{run_id}/model",
        run_id=run_id,
        run_link=f"{tracking_uri}/#/experiments/{experiment_id}/runs/{run_id}",
        description="first cut",
        tags={"dataset": "tickets-2026-01"},
    )
    client.create_model_version(classifier, source="s3://models/classifier/2", tags={"dataset": "tickets-2026-02"}, description="retrained")
    client.create_model_version(classifier, source="s3://models/classifier/3", tags={"dataset": "tickets-2026-03", "quant": "int8"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        client.transition_model_version_stage(classifier, "1", "Archived")
    client.set_registered_model_alias(classifier, "champion", "2")
    client.set_registered_model_alias(classifier, "production", "3")
    client.set_model_version_tag(classifier, "3", "modelgate.stage", "PRODUCTION")

    mlflow.genai.register_prompt(name=prompt, template="Hello {{name}}, how can I help?", commit_message="first")
    mlflow.genai.register_prompt(name=prompt, template="Hi {{name}}! What can I do for you today?", commit_message="friendlier")
    mlflow.genai.set_prompt_alias(prompt, alias="production", version=2)

    generation_config = {
        "model": "gpt-5-mini-2026-06-10",
        "params": {"temperature": 0.2, "max_tokens": 512},
        "promptRef": f"{prompt}@2",
    }
    client.create_registered_model(assistant, description="Support assistant")
    client.create_model_version(
        assistant,
        source="s3://models/assistant/1",
        tags={"modelgate.generation_config": json.dumps(generation_config, sort_keys=True, separators=(",", ":"))},
    )
    client.set_registered_model_alias(assistant, "production", "1")

    loaded = mlflow.genai.load_prompt(f"prompts:/{prompt}@production")
    prompt_versions = [mlflow.genai.load_prompt(f"prompts:/{prompt}/{n}") for n in (1, 2)]
    report = {
        "classifier": model_report(client, classifier),
        "assistant": model_report(client, assistant),
        "generation_config": generation_config,
        "prompt": {
            "name": prompt,
            "versions": [{"version": str(p.version), "template": p.template} for p in prompt_versions],
            "production": {"version": str(loaded.version), "template": loaded.template},
        },
        "visible_models": sorted(m.name for m in client.search_registered_models(f"name LIKE '{prefix}-%'")),
        "run_id": run_id,
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
