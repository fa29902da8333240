"""The real `chalice package` of the dev stage, as `make package` builds it: the Lambda zip carries
the app, chalicelib and the Jinja2 templates (and nothing dev-only), and the merged SAM template
passes cfn-lint.

One packaging run per session (module-scoped fixture, ~20 s: chalice pip-downloads the
manylinux wheels of requirements.txt). It runs in a temporary copy of the project, so the work
tree's vendor/, build/ and .chalice/deployments/ are never touched.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
STAGE = "dev"

pytestmark = pytest.mark.timeout(900)

# What the Lambda package is built from: everything else in the repo stays out of the copy.
SOURCES = ("app.py", "chalicelib", "requirements.txt", ".chalice", "infra")
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", "deployments", "deployed")
# Dev-only folders that must never be shipped; the fixture plants one file in each so that
# their absence from the zip is proven, not vacuous.
DECOYS = ("tests/test_decoy.py", ".venv/pyvenv.cfg", ".data/outbox/decoy.eml", ".cache/decoy.txt")


def copy_templates_into_vendor(project: Path) -> None:
    """What `make package` does: chalice ships vendor/ contents at the zip root."""
    shutil.rmtree(project / "vendor" / "templates", ignore_errors=True)
    (project / "vendor").mkdir(exist_ok=True)
    shutil.copytree(project / "templates", project / "vendor" / "templates", ignore=IGNORE)


@pytest.fixture(scope="module")
def packaged(tmp_path_factory) -> Path:
    assert (ROOT / "app.py").exists(), "app.py is missing: chalice package needs it"
    project = tmp_path_factory.mktemp("package") / "greenlight"
    project.mkdir()
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, project / name, ignore=IGNORE)
        else:
            shutil.copy2(source, project / name)
    shutil.copytree(ROOT / "templates", project / "templates", ignore=IGNORE)
    for decoy in DECOYS:
        (project / decoy).parent.mkdir(parents=True, exist_ok=True)
        (project / decoy).write_text("must not be packaged\n", encoding="utf-8")
    copy_templates_into_vendor(project)

    out = project / "build"
    env = {**os.environ, "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION") or "eu-central-1"}
    result = subprocess.run(
        [str(BIN / "chalice"), "package", "--stage", STAGE, "--merge-template", "infra/template.json", str(out)],
        cwd=project, env=env, capture_output=True, text=True, timeout=840,
    )
    assert result.returncode == 0, f"chalice package failed:\n{result.stdout}\n{result.stderr}"
    return out


@pytest.fixture(scope="module")
def zip_names(packaged) -> set[str]:
    with zipfile.ZipFile(packaged / "deployment.zip") as archive:
        return set(archive.namelist())


@pytest.fixture(scope="module")
def sam(packaged) -> dict:
    return json.loads((packaged / "sam.json").read_text(encoding="utf-8"))


def test_zip_contains_the_app_and_its_code(zip_names):
    assert {"app.py", "chalicelib/__init__.py", "chalicelib/core/settings.py", "chalicelib/core/db/schema.py"} <= zip_names


def test_zip_contains_every_template(zip_names):
    expected = {
        "templates/" + path.relative_to(ROOT / "templates").as_posix()
        for path in (ROOT / "templates").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert "templates/base.html" in expected, "templates/base.html is missing from the repo"
    assert expected <= zip_names, sorted(expected - zip_names)


def test_zip_leaves_dev_only_files_out(zip_names):
    leaked = sorted(
        name for name in zip_names
        if name.split("/")[0] in {"tests", ".venv", ".data", ".cache", "build", ".chalice", "infra", "vendor", ".git"}
    )
    assert not leaked, leaked


def test_zip_carries_runtime_dependencies_built_for_lambda(zip_names):
    assert {"pynamodb/__init__.py", "jinja2/__init__.py", "pydantic/__init__.py"} <= zip_names
    # pydantic-core is compiled: it must be the manylinux x86_64 build for CPython 3.11.
    assert any(re.fullmatch(r"pydantic_core/_pydantic_core\.cpython-311-x86_64-linux-gnu\.so", n) for n in zip_names)


def test_merge_keeps_chalice_resources_and_adds_ours(sam):
    resources = sam["Resources"]
    assert resources["RestAPI"]["Type"] == "AWS::Serverless::Api"
    assert resources["RestAPI"]["Properties"]["DefinitionBody"]["paths"], "the merge lost chalice's routes"
    assert "MISSING_AUTHENTICATION_TOKEN" in (
        resources["RestAPI"]["Properties"]["DefinitionBody"]["x-amazon-apigateway-gateway-responses"]
    )
    assert resources["APIHandler"]["Type"] == "AWS::Serverless::Function"
    assert resources["MainTable"]["Type"] == "AWS::DynamoDB::Table"
    assert resources["FilesBucket"]["Type"] == "AWS::S3::Bucket"


def test_functions_point_at_the_table_of_the_stack_and_use_the_policy_file(sam):
    table_name = sam["Resources"]["MainTable"]["Properties"]["TableName"]["Fn::Sub"].replace(
        "${AWS::StackName}", f"greenlight-{STAGE}"
    )
    policy = json.loads((ROOT / ".chalice" / f"policy-{STAGE}.json").read_text(encoding="utf-8"))
    # The PDF function has a role of its own: its logs and s3:PutObject on deals/* (test_infra.py).
    render_policy = json.loads((ROOT / ".chalice" / f"policy-render-{STAGE}.json").read_text(encoding="utf-8"))
    functions = {k: v for k, v in sam["Resources"].items() if v["Type"] == "AWS::Serverless::Function"}
    assert {"APIHandler", "RenderContract"} <= set(functions)
    for name, function in functions.items():
        variables = function["Properties"]["Environment"]["Variables"]
        assert variables["TABLE_PREFIX"] + "main" == table_name, name
        role = sam["Resources"][function["Properties"]["Role"]["Fn::GetAtt"][0]]
        expected = render_policy if name == "RenderContract" else policy
        assert [p["PolicyDocument"] for p in role["Properties"]["Policies"]] == [expected], name


def test_the_pdf_function_runs_its_own_module_on_python_3_12_with_the_layer(sam, zip_names):
    """Registered through a blueprint, its handler is the module itself (app.py, and with it pydantic's
    python3.11 build, is never imported there); the merge template moves it to python3.12 (Amazon Linux
    2023, whose Pango WeasyPrint needs); WeasyPrint and num2words come from the layer, not the zip."""
    props = sam["Resources"]["RenderContract"]["Properties"]
    config = json.loads((ROOT / ".chalice" / "config.json").read_text(encoding="utf-8"))
    assert props["Handler"] == "chalicelib.deals.render_lambda.render_contract"
    assert props["Runtime"] == "python3.12" and props["MemorySize"] >= 1024 and props["Timeout"] == 60
    assert props["Layers"] == config["stages"][STAGE]["lambda_functions"]["render_contract"]["layers"]
    assert props["Environment"]["Variables"]["FONTCONFIG_PATH"] == "/opt/fonts"
    assert sam["Resources"]["APIHandler"]["Properties"]["Environment"]["Variables"]["RENDER_FUNCTION_NAME"] == \
        f"greenlight-{STAGE}-render-contract"
    assert "chalicelib/deals/render_lambda.py" in zip_names and "chalice/app.py" in zip_names
    assert not [n for n in zip_names if n.split("/")[0] in ("weasyprint", "num2words", "pypdf", "fontTools")]


def test_cfn_lint_passes(packaged):
    result = subprocess.run(
        [str(BIN / "cfn-lint"), "--", str(packaged / "sam.json")],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, f"cfn-lint:\n{result.stdout}\n{result.stderr}"
