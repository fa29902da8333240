"""Per-stage environment from `.chalice/config.json`, with the shell winning.

In AWS the Lambda environment *is* the stage's `environment_variables`. Under `make run`,
`make test` and the CLI we read the same file, but a variable already set in the shell keeps
its value, so an operator can point any endpoint elsewhere without editing files.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
CONFIG_PATH = PROJECT_DIR / ".chalice" / "config.json"


def stage_environment(stage: str, config_path: Path = CONFIG_PATH) -> dict[str, str]:
    """Global `environment_variables` overlaid with the stage's own."""
    config = json.loads(config_path.read_text(encoding="utf-8"))
    if stage not in config.get("stages", {}):
        raise KeyError(f"stage {stage!r} is not defined in {config_path}")
    env = dict(config.get("environment_variables", {}))
    env.update(config["stages"][stage].get("environment_variables", {}))
    return {key: str(value) for key, value in env.items()}


def apply_stage_environment(stage: str | None = None) -> str:
    """Fill os.environ with the stage's values where the shell has not set them."""
    stage = stage or os.environ.get("STAGE") or "local"
    for key, value in stage_environment(stage).items():
        os.environ.setdefault(key, value)
    return stage
