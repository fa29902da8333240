"""The files bucket takes the browser's presigned POST of post media from the stage's own origin only,
and the API function may write, read and delete media/*."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.unit.test_infra import CONFIG, TEMPLATE, allows, policy, resource, sub


def test_bucket_cors_origin_is_the_app_origin_parameter():
    """Not a mapping keyed by the stack name (which failed for any other stack name): a parameter."""
    [rule] = resource("AWS::S3::Bucket")["Properties"]["CorsConfiguration"]["CorsRules"]
    assert rule["AllowedMethods"] == ["POST"]
    assert rule["AllowedOrigins"] == [{"Ref": "AppOrigin"}]
    assert "AppOrigins" not in TEMPLATE.get("Mappings", {})
    parameter = TEMPLATE["Parameters"]["AppOrigin"]
    assert parameter["Type"] == "String" and "Default" not in parameter  # deploying must name it


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_the_stage_origin_passes_the_parameter_pattern(stage):
    pattern = re.compile(TEMPLATE["Parameters"]["AppOrigin"]["AllowedPattern"])
    base = urlsplit(CONFIG["stages"][stage]["environment_variables"]["PUBLIC_BASE_URL"])
    origin = f"{base.scheme}://{base.netloc}"
    assert pattern.fullmatch(origin)
    for wrong in (origin + "/", origin + "/app", "http://" + base.netloc, "*"):
        assert not pattern.fullmatch(wrong), wrong


def test_deploy_instructions_pass_the_origin():
    readme = (Path(__file__).resolve().parents[3] / "infra" / "README.md").read_text(encoding="utf-8")
    deploys = [line for line in readme.splitlines() if "cloudformation deploy" in line]
    assert deploys
    assert readme.count("AppOrigin=") >= len(deploys)


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_the_api_may_handle_post_media(stage):
    document = policy(stage)
    bucket = sub(resource("AWS::S3::Bucket")["Properties"]["BucketName"], stage)
    for action in ("s3:GetObject", "s3:PutObject", "s3:DeleteObject"):  # presigned POST is signed with PutObject
        assert allows(document, action, f"arn:aws:s3:::{bucket}/media/b1/u1/file.png"), action
