"""infra/template.json, the IAM policy files and the PynamoDB models agree with chalicelib/core/db/schema.py
and with the stage settings in .chalice/config.json.

The template is a fragment merged into `chalice package` output, so it cannot be linted alone;
tests/unit/test_package.py lints the merged result. Naming: the stack for stage S is called
`greenlight-S`, and every physical name in the template derives from `${AWS::StackName}`.
"""
from __future__ import annotations

import importlib
import importlib.util
import json
import re
from email.utils import parseaddr
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import pytest

from chalicelib.core.db import schema
from chalicelib.core.jobs import load_all
from chalicelib.core.settings import SECRET_SETTINGS, Settings
from chalicelib.core.stage_env import stage_environment

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = json.loads((ROOT / "infra" / "template.json").read_text(encoding="utf-8"))
CONFIG = json.loads((ROOT / ".chalice" / "config.json").read_text(encoding="utf-8"))
RESOURCES: dict[str, Any] = TEMPLATE["Resources"]
DEPLOYED_STAGES = ("dev", "prod")
# Resources that the merged template gets from `chalice package`, not from infra/template.json: the
# API function and gateway, and one function per scheduled job (approval-reminders -> ApprovalReminders).
CHALICE_RESOURCES = {"APIHandler", "RestAPI", "RenderContract"} | {
    "".join(part.title() for part in job.name.split("-")) for job in load_all().values()}
ACCOUNT = "123456789012"
REGION = "eu-central-1"


def stack_name(stage: str) -> str:
    return f"greenlight-{stage}"


def sub(value: Any, stage: str, **refs: str) -> str:
    """Resolve a literal or a one-argument Fn::Sub the way CloudFormation would for `stage`."""
    if isinstance(value, str):
        return value
    assert set(value) == {"Fn::Sub"} and isinstance(value["Fn::Sub"], str), value
    names = {"AWS::StackName": stack_name(stage), "AWS::AccountId": ACCOUNT, "AWS::Region": REGION, **refs}
    return re.sub(r"\$\{([^}]+)\}", lambda m: names[m.group(1)], value["Fn::Sub"])


def settings_for(stage: str) -> Settings:
    """The settings the Lambda of `stage` builds from its environment (config.json)."""
    return Settings(**stage_environment(stage))


def resource(type_: str) -> dict[str, Any]:
    found = [r for r in RESOURCES.values() if r.get("Type") == type_]
    assert len(found) == 1, f"expected one {type_} in infra/template.json, found {len(found)}"
    return found[0]


# ------------------------------------------------------------------ (a) the table


TABLE = resource("AWS::DynamoDB::Table")


def _by(key: str, items: list[dict]) -> dict[str, dict]:
    return {item[key]: item for item in items}


def test_table_keys_indexes_and_billing_match_schema():
    props = TABLE["Properties"]
    expected = schema.table_definition("ignored")
    assert props["BillingMode"] == expected["BillingMode"] == "PAY_PER_REQUEST"
    assert props["KeySchema"] == expected["KeySchema"]
    assert _by("AttributeName", props["AttributeDefinitions"]) == _by(
        "AttributeName", expected["AttributeDefinitions"]
    )
    assert _by("IndexName", props["GlobalSecondaryIndexes"]) == _by(
        "IndexName", expected["GlobalSecondaryIndexes"]
    )
    assert "LocalSecondaryIndexes" not in props
    assert "ProvisionedThroughput" not in props


@pytest.mark.parametrize("stage", DEPLOYED_STAGES)
def test_table_name_is_the_one_the_stage_uses(stage):
    assert sub(TABLE["Properties"]["TableName"], stage) == settings_for(stage).table_name


def test_table_is_protected_and_expires_ephemeral_items():
    props = TABLE["Properties"]
    assert props["PointInTimeRecoverySpecification"] == {
        "PointInTimeRecoveryEnabled": True,
        "RecoveryPeriodInDays": 35,
    }
    assert props["DeletionProtectionEnabled"] is True
    assert TABLE["DeletionPolicy"] == TABLE["UpdateReplacePolicy"] == "Retain"
    assert props["SSESpecification"]["SSEEnabled"] is True
    assert props["TimeToLiveSpecification"] == {"AttributeName": schema.TTL_ATTRIBUTE, "Enabled": True}


# ------------------------------------------------------------------ the rest of the template


def test_files_bucket_is_private_encrypted_versioned_and_kept():
    bucket = resource("AWS::S3::Bucket")
    props = bucket["Properties"]
    assert bucket["DeletionPolicy"] == bucket["UpdateReplacePolicy"] == "Retain"
    assert all(props["PublicAccessBlockConfiguration"][flag] is True for flag in (
        "BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"))
    assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}
    assert props["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    statements = resource("AWS::S3::BucketPolicy")["Properties"]["PolicyDocument"]["Statement"]
    assert any(s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
               for s in statements)


def test_functions_get_the_bucket_name_without_touching_chalice_environment():
    # SAM Globals merge this into every function's Environment.Variables, chalice's included.
    variables = TEMPLATE["Globals"]["Function"]["Environment"]["Variables"]
    assert variables == {"FILES_BUCKET": {"Ref": "FilesBucket"}}
    assert "APIHandler" not in RESOURCES


GATEWAY_RESPONSES = RESOURCES["RestAPI"]["Properties"]["DefinitionBody"]["x-amazon-apigateway-gateway-responses"]


def test_gateway_responses_live_in_the_api_definition():
    # The fragment only adds to chalice's RestAPI (no Type of its own). Gateway responses sit in
    # the swagger body rather than in AWS::ApiGateway::GatewayResponse resources: SAM re-imports
    # the body on every deploy, which drops responses it does not contain, and a separate
    # resource never triggers a new API deployment.
    assert "Type" not in RESOURCES["RestAPI"]
    assert not [r for r in RESOURCES.values() if r.get("Type") == "AWS::ApiGateway::GatewayResponse"]
    assert {"MISSING_AUTHENTICATION_TOKEN", "DEFAULT_4XX", "DEFAULT_5XX"} <= set(GATEWAY_RESPONSES)


def test_unknown_route_is_a_json_404():
    response = GATEWAY_RESPONSES["MISSING_AUTHENTICATION_TOKEN"]
    assert response["statusCode"] == "404"
    assert json.loads(response["responseTemplates"]["application/json"]) == {
        "error": {"code": "not_found", "message": "No such page or API route.", "details": []}
    }


@pytest.mark.parametrize("response_type", sorted(GATEWAY_RESPONSES))
def test_gateway_error_bodies_are_valid_json_in_the_api_error_shape(response_type):
    response = GATEWAY_RESPONSES[response_type]
    assert set(response["responseTemplates"]) == {"application/json"}
    template = response["responseTemplates"]["application/json"]
    # API Gateway substitutes $context.error.messageString with a JSON string literal, quotes included.
    message = 'Say "hi" \\ to <everyone>'
    body = json.loads(template.replace("$context.error.messageString", json.dumps(message)))
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "details"}
    assert re.fullmatch(r"[a-z_]+", error["code"])
    assert error["details"] == []
    if "$context.error.messageString" in template:
        assert error["message"] == message
    status = response.get("statusCode")
    assert status is None or re.fullmatch(r"[45]\d\d", status)
    assert (status is None) == response_type.startswith("DEFAULT_")


def test_the_api_stage_is_throttled():
    # API Gateway answers over these with 429 `throttled` (the THROTTLED gateway response above);
    # the app's own limits per address and per client (identity/service.py) come on top. No tighter
    # bucket on POST /sign-in: it would count all callers together, so one client could shut everyone out.
    settings = {(s["ResourcePath"], s["HttpMethod"]): s for s in RESOURCES["RestAPI"]["Properties"]["MethodSettings"]}
    assert set(settings) == {("/*", "*")}
    stage_wide = settings[("/*", "*")]
    assert set(stage_wide) == {"ResourcePath", "HttpMethod", "ThrottlingRateLimit", "ThrottlingBurstLimit"}
    assert 0 < stage_wide["ThrottlingRateLimit"] <= stage_wide["ThrottlingBurstLimit"]
    assert stage_wide["ThrottlingRateLimit"] <= 100 and stage_wide["ThrottlingBurstLimit"] <= 200
    assert GATEWAY_RESPONSES["THROTTLED"]["statusCode"] == "429"


def _references(node: Any) -> set[str]:
    """Logical ids and pseudo parameters named by Ref, Fn::GetAtt and Fn::Sub anywhere in `node`."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str):
                found.add(value)
            elif key == "Fn::GetAtt":
                found.add(value[0] if isinstance(value, list) else value.split(".")[0])
            elif key == "Fn::Sub":
                text = value if isinstance(value, str) else value[0]
                local = set(value[1]) if isinstance(value, list) else set()
                found |= {m.split(".")[0] for m in re.findall(r"\$\{([^}!]+)\}", text)} - local
            found |= _references(value)
    elif isinstance(node, list):
        for item in node:
            found |= _references(item)
    return found


def test_every_reference_resolves_in_the_merged_template():
    known = set(RESOURCES) | CHALICE_RESOURCES | set(TEMPLATE.get("Parameters", {}))
    pseudo = {r for r in _references(TEMPLATE) if r.startswith("AWS::")}
    assert pseudo <= {"AWS::StackName", "AWS::AccountId", "AWS::Region", "AWS::Partition", "AWS::URLSuffix"}
    assert _references(TEMPLATE) - pseudo <= known


def test_alarms_notify_the_alarm_topic():
    alarms = [r for r in RESOURCES.values() if r.get("Type") == "AWS::CloudWatch::Alarm"]
    assert alarms
    for alarm in alarms:
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}]


# ------------------------------------------------------------------ (b) PynamoDB models

TABLE_KEY_NAMES = {name for pair in [schema.KEY_ATTRIBUTES, *schema.INDEXES.values()] for name in pair}


# Every entity the table holds today; a model module that fails to load (or a model left out of the
# registry) fails here instead of passing with fewer models checked.
KNOWN_ENTITIES = {
    "UserItem", "UserEmailItem", "SessionItem", "TokenItem", "SignInItem", "SlackUserItem", "BrandItem",
    "BrandSlugItem", "MembershipItem", "ChannelItem", "AuditItem", "PostItem", "PostVersionItem", "DecisionItem",
    "CommentItem", "ChainItem", "IdempotencyItem", "TaskItem", "LinkUseItem", "DigestItem", "FeedItem",
    "ThrottleItem", "TargetItem", "AttemptItem",
}
# Core modules that define items of their own; every feature keeps its items in `<feature>/models.py`.
CORE_ITEM_MODULES = ("chalicelib.core.db.audit", "chalicelib.core.db.throttle", "chalicelib.core.http.idempotency")


def _model_classes() -> list[type]:
    import pkgutil

    import chalicelib
    from chalicelib.core.db import base

    names = [m.name for m in pkgutil.walk_packages(chalicelib.__path__, "chalicelib.")
             if m.name.rsplit(".", 1)[-1] == "models"]
    assert len(names) >= 8, f"feature models modules not found: {names}"
    for name in [*names, *CORE_ITEM_MODULES]:
        importlib.import_module(name)  # an import error here is a failure
    classes = list(base.REGISTRY)
    missing = KNOWN_ENTITIES - {cls.__name__ for cls in classes}
    assert not missing, f"models missing from the registry: {sorted(missing)}"
    for cls in classes:  # nothing defines a model outside the places named above
        assert cls.__module__ in names or cls.__module__ in CORE_ITEM_MODULES, cls.__module__
    return sorted(classes, key=lambda cls: cls.__name__)


def test_models_use_the_table_keys():
    pk, sk = schema.KEY_ATTRIBUTES
    for model in _model_classes():
        attributes = model.get_attributes()
        assert model._hash_keyname and model._range_keyname, f"{model.__name__} needs hash and range keys"
        hash_key = attributes[model._hash_keyname]
        range_key = attributes[model._range_keyname]
        assert (hash_key.attr_name, hash_key.attr_type) == (pk, "S"), model.__name__
        assert (range_key.attr_name, range_key.attr_type) == (sk, "S"), model.__name__


def test_model_attributes_named_like_keys_are_strings():
    # AttributeDefinitions declare every key and GSI key as S: a number there breaks writes.
    for model in _model_classes():
        for attribute in model.get_attributes().values():
            if attribute.attr_name in TABLE_KEY_NAMES:
                assert attribute.attr_type == "S", f"{model.__name__}.{attribute.attr_name} must be a string"


def test_model_ttl_attribute_holds_epoch_seconds():
    for model in _model_classes():
        for attribute in model.get_attributes().values():
            if attribute.attr_name == schema.TTL_ATTRIBUTE:
                assert attribute.attr_type == "N", f"{model.__name__}.{schema.TTL_ATTRIBUTE} must be a number"


def test_model_indexes_match_the_table_indexes():
    from pynamodb.indexes import GlobalSecondaryIndex

    for model in _model_classes():
        attributes = {a.attr_name: a for a in model.get_attributes().values()}
        for name, index in model._indexes.items():
            where = f"{model.__name__} index {name!r}"
            assert name in schema.INDEXES, f"{where}: the table has only {sorted(schema.INDEXES)}"
            assert isinstance(index, GlobalSecondaryIndex), f"{where}: the table has no local indexes"
            index_schema = index._get_schema()
            hash_key, range_key = schema.INDEXES[name]
            assert sorted(index_schema["key_schema"], key=lambda k: k["KeyType"]) == [
                {"AttributeName": hash_key, "KeyType": "HASH"},
                {"AttributeName": range_key, "KeyType": "RANGE"},
            ], where
            assert index_schema["projection"] == {"ProjectionType": "ALL"}, where
            # The model must carry the index keys itself, or its items never land in the index.
            for key in (hash_key, range_key):
                assert key in attributes, f"{where}: {model.__name__} has no {key} attribute"


def test_model_schema_is_a_subset_of_the_table():
    table = schema.table_definition("ignored")
    table_attributes = table["AttributeDefinitions"]
    table_indexes = {
        i["IndexName"]: {"KeySchema": i["KeySchema"], "Projection": i["Projection"]}
        for i in table["GlobalSecondaryIndexes"]
    }
    for model in _model_classes():
        model_schema = model._get_schema()
        assert model_schema["key_schema"] == table["KeySchema"], model.__name__
        for definition in model_schema["attribute_definitions"]:
            assert definition in table_attributes, f"{model.__name__}: {definition}"
        assert not model_schema["local_secondary_indexes"], model.__name__
        for index in model_schema["global_secondary_indexes"]:
            key_schema = sorted(index["key_schema"], key=lambda k: k["KeyType"])
            assert {"KeySchema": key_schema, "Projection": index["projection"]} == table_indexes[
                index["index_name"]
            ], f"{model.__name__}: {index['index_name']}"


# ------------------------------------------------------------------ (c) IAM policies


def policy(stage: str) -> dict[str, Any]:
    name = CONFIG["stages"][stage]["iam_policy_file"]
    return json.loads((ROOT / ".chalice" / name).read_text(encoding="utf-8"))


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def allows(document: dict, action: str, arn: str, context: dict[str, str] | None = None) -> bool:
    """Whether `document` allows `action` on `arn` (the subset of IAM our policies use)."""
    context = context or {}
    for statement in document["Statement"]:
        if statement["Effect"] != "Allow":
            continue
        if not any(fnmatchcase(action.lower(), a.lower()) for a in _as_list(statement["Action"])):
            continue
        if not any(fnmatchcase(arn, r) for r in _as_list(statement["Resource"])):
            continue
        conditions = statement.get("Condition", {})
        assert set(conditions) <= {"StringEquals"}, f"extend allows() for {sorted(conditions)}"
        if all(context.get(key) in _as_list(value) for key, value in conditions.get("StringEquals", {}).items()):
            return True
    return False


def test_stages_use_their_own_policy_file():
    assert CONFIG["autogen_policy"] is False
    assert CONFIG["stages"]["dev"]["iam_policy_file"] == "policy-dev.json"
    assert CONFIG["stages"]["prod"]["iam_policy_file"] == "policy-prod.json"


@pytest.mark.parametrize("stage", DEPLOYED_STAGES)
def test_policy_is_a_plain_least_privilege_document(stage):
    from cfnlint.data import AdditionalSpecs
    from cfnlint.helpers import load_resource

    known_actions = load_resource(AdditionalSpecs, "Policies.json")  # IAM's action list, as cfn-lint ships it
    document = policy(stage)
    assert document["Version"] == "2012-10-17"
    other = {"dev": "prod", "prod": "dev"}[stage]
    for statement in document["Statement"]:
        where = f"policy-{stage}.json {statement.get('Sid')}"
        assert set(statement) <= {"Sid", "Effect", "Action", "Resource", "Condition"}, where
        assert statement["Effect"] == "Allow", where
        for action in _as_list(statement["Action"]):
            assert "*" not in action and "?" not in action, f"{where}: wildcard action {action}"
            service, _, name = action.partition(":")
            assert name.lower() in known_actions[service]["Actions"], f"{where}: unknown action {action}"
            assert action.lower() != "dynamodb:scan", where
        for arn in _as_list(statement["Resource"]):
            assert arn != "*", where
            assert f"greenlight-{other}" not in arn and f"greenlight/{other}" not in arn, where
            scoped = f"greenlight-{stage}-" in arn or f"greenlight/{stage}/" in arn
            # SES identities are shared by the stages: the sender address condition scopes them.
            sender_bound = "ses:FromAddress" in statement.get("Condition", {}).get("StringEquals", {})
            assert scoped or (arn.startswith("arn:aws:ses:") and sender_bound), f"{where}: {arn} is not scoped"


@pytest.mark.parametrize("stage", DEPLOYED_STAGES)
def test_policy_lets_the_stage_use_its_table_and_nothing_else(stage):
    document = policy(stage)
    table = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{settings_for(stage).table_name}"
    # TransactWrite/TransactGet are authorized per item action (Put, Update, Delete,
    # ConditionCheck, Get); there is no dynamodb:TransactWriteItems permission.
    for action in ("GetItem", "BatchGetItem", "Query", "PutItem", "UpdateItem", "DeleteItem",
                   "BatchWriteItem", "ConditionCheckItem", "DescribeTable"):
        assert allows(document, f"dynamodb:{action}", table), action
    for index in schema.INDEXES:
        assert allows(document, "dynamodb:Query", f"{table}/index/{index}")
        assert not allows(document, "dynamodb:PutItem", f"{table}/index/{index}")
    assert not allows(document, "dynamodb:Scan", table)
    assert not allows(document, "dynamodb:Scan", f"{table}/index/gsi1")
    assert not allows(document, "dynamodb:DeleteTable", table)
    other = {"dev": "prod", "prod": "dev"}[stage]
    assert not allows(document, "dynamodb:GetItem", table.replace(f"greenlight-{stage}-", f"greenlight-{other}-"))


@pytest.mark.parametrize("stage", DEPLOYED_STAGES)
def test_policy_reads_the_stage_secrets(stage):
    env = stage_environment(stage)
    references = [env[name] for name in SECRET_SETTINGS if env.get(name, "").startswith(("ssm:", "secretsmanager:"))]
    assert references, f"{stage} has no secret references to check"
    document = policy(stage)
    for reference in references:
        kind, _, name = reference.partition(":")
        if kind == "ssm":
            arn = f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/{name.lstrip('/')}"
            assert allows(document, "ssm:GetParameter", arn), reference
        else:
            arn = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{name}-AbC123"
            assert allows(document, "secretsmanager:GetSecretValue", arn), reference


@pytest.mark.parametrize("stage", DEPLOYED_STAGES)
def test_policy_stores_tokens_only_under_the_brands_prefix(stage):
    """The write-only `credentials` field puts SecureStrings under /greenlight/<stage>/brands/…:
    the role may write there and nowhere else (never over a platform secret)."""
    document = policy(stage)
    ssm = f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter"
    assert allows(document, "ssm:PutParameter", f"{ssm}/greenlight/{stage}/brands/B1/channels/C1")
    assert allows(document, "ssm:DeleteParameter", f"{ssm}/greenlight/{stage}/brands/B1/channels/C1")
    for platform in (f"{ssm}/greenlight/{stage}/signing-keys", f"{ssm}/greenlight/{stage}/slack-bot-token"):
        assert not allows(document, "ssm:PutParameter", platform)
    other = {"dev": "prod", "prod": "dev"}[stage]
    assert not allows(document, "ssm:PutParameter", f"{ssm}/greenlight/{other}/brands/B1/channels/C1")


@pytest.mark.parametrize("stage", DEPLOYED_STAGES)
def test_policy_sends_mail_only_as_the_stage_sender(stage):
    document = policy(stage)
    sender = parseaddr(stage_environment(stage)["EMAIL_FROM"])[1]
    identity = f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/{sender.split('@')[1]}"
    assert allows(document, "ses:SendEmail", identity, {"ses:FromAddress": sender})
    assert allows(document, "ses:SendRawEmail", identity, {"ses:FromAddress": sender})
    assert not allows(document, "ses:SendEmail", identity, {"ses:FromAddress": "ceo@example.com"})


@pytest.mark.parametrize("stage", DEPLOYED_STAGES)
def test_policy_covers_the_files_bucket_and_log_groups_of_the_stack(stage):
    document = policy(stage)
    bucket = sub(resource("AWS::S3::Bucket")["Properties"]["BucketName"], stage)
    for action in ("s3:GetObject", "s3:PutObject", "s3:DeleteObject"):
        assert allows(document, action, f"arn:aws:s3:::{bucket}/brands/b1/contract.pdf"), action
    assert allows(document, "s3:ListBucket", f"arn:aws:s3:::{bucket}")
    assert not allows(document, "s3:DeleteBucket", f"arn:aws:s3:::{bucket}")
    assert not allows(document, "s3:GetObject", "arn:aws:s3:::someone-elses-bucket/key")
    # SAM names functions <stack>-<logical id>-<suffix>, so their log groups start with the stack name.
    group = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/{stack_name(stage)}-APIHandler-Ab12Cd34"
    assert allows(document, "logs:CreateLogGroup", group)
    assert allows(document, "logs:PutLogEvents", f"{group}:log-stream:2025/01/01/[$LATEST]abc")


# ------------------------------------------------------------------ (d) the contract PDF function


def render_config(stage: str) -> dict[str, Any]:
    return CONFIG["stages"][stage]["lambda_functions"]["render_contract"]


def render_policy(stage: str) -> dict[str, Any]:
    return json.loads((ROOT / ".chalice" / render_config(stage)["iam_policy_file"]).read_text(encoding="utf-8"))


@pytest.mark.parametrize("stage", DEPLOYED_STAGES)
def test_the_pdf_function_is_configured_for_weasyprint(stage):
    """Its own memory, timeout, layer and font settings (infra/weasyprint-layer/README.md); the layer ARN
    is the stage's to fill in (a placeholder with the all-zero account until the layer is published)."""
    config = render_config(stage)
    assert config["lambda_memory_size"] >= 1024 and config["lambda_timeout"] == 60
    assert config["environment_variables"] == {"FONTCONFIG_PATH": "/opt/fonts", "XDG_CACHE_HOME": "/tmp"}
    (layer,) = config["layers"]
    assert re.fullmatch(r"arn:aws:lambda:[a-z0-9-]+:\d{12}:layer:[A-Za-z0-9_-]+:\d+", layer), layer


@pytest.mark.parametrize("stage", DEPLOYED_STAGES)
def test_the_api_knows_the_pdf_functions_name(stage):
    """The template names the function <stack>-render-contract and runs it on python3.12 (Amazon Linux
    2023: the layer's Pango); the API finds it through RENDER_FUNCTION_NAME."""
    overrides = RESOURCES["RenderContract"]["Properties"]
    assert "Type" not in RESOURCES["RenderContract"] and overrides["Runtime"] == "python3.12"
    name = sub(overrides["FunctionName"], stage)
    assert settings_for(stage).RENDER_FUNCTION_NAME == name == f"greenlight-{stage}-render-contract"
    assert sub(RESOURCES["RenderContractLogGroup"]["Properties"]["LogGroupName"], stage) == f"/aws/lambda/{name}"


@pytest.mark.parametrize("stage", DEPLOYED_STAGES)
def test_the_api_may_invoke_the_pdf_function_and_nothing_else(stage):
    document = policy(stage)
    function = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:greenlight-{stage}-render-contract"
    assert allows(document, "lambda:InvokeFunction", function)
    assert not allows(document, "lambda:InvokeFunction", function.replace("render-contract", "APIHandler-x"))
    assert not allows(document, "lambda:UpdateFunctionCode", function)


@pytest.mark.parametrize("stage", DEPLOYED_STAGES)
def test_the_pdf_function_may_only_log_and_put_contract_and_campaign_pdfs(stage):
    document = render_policy(stage)
    other = {"dev": "prod", "prod": "dev"}[stage]
    bucket = sub(resource("AWS::S3::Bucket")["Properties"]["BucketName"], stage)
    assert allows(document, "s3:PutObject", f"arn:aws:s3:::{bucket}/deals/d1/contract-v1-ab.pdf")
    assert allows(document, "s3:PutObject", f"arn:aws:s3:::{bucket}/campaign-pdfs/c1/report-ab.pdf")
    for action, arn in (("s3:GetObject", f"arn:aws:s3:::{bucket}/deals/d1/contract-v1-ab.pdf"),
                        ("s3:DeleteObject", f"arn:aws:s3:::{bucket}/deals/d1/contract-v1-ab.pdf"),
                        ("s3:PutObject", f"arn:aws:s3:::{bucket}/evidence/x.png"),
                        ("dynamodb:GetItem", f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/greenlight-{stage}-main"),
                        ("ssm:GetParameter", f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/greenlight/{stage}/signing-keys"),
                        ("lambda:InvokeFunction", f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:greenlight-{stage}-render-contract")):
        assert not allows(document, action, arn), action
    group = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/greenlight-{stage}-render-contract"
    assert allows(document, "logs:PutLogEvents", f"{group}:log-stream:2025/01/01/[$LATEST]abc")
    for statement in document["Statement"]:
        for arn in _as_list(statement["Resource"]):
            assert f"greenlight-{stage}-" in arn and f"greenlight-{other}" not in arn, arn


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            pins[name.strip().lower()] = version.strip()
    return pins


def test_the_layer_pins_what_the_tests_render_with():
    """infra/weasyprint-layer/requirements.txt (what AWS runs) and requirements-dev.txt (what the tests
    render with) agree; neither WeasyPrint nor num2words is in requirements.txt (the API's package)."""
    layer = _pins(ROOT / "infra" / "weasyprint-layer" / "requirements.txt")
    dev = _pins(ROOT / "requirements-dev.txt")
    for name in ("weasyprint", "num2words"):
        assert layer[name] == dev[name], name
    assert not {"weasyprint", "num2words", "pypdf"} & set(_pins(ROOT / "requirements.txt"))
    buildspec = (ROOT / "infra" / "weasyprint-layer" / "buildspec.yml").read_text(encoding="utf-8")
    assert "infra/weasyprint-layer/build.sh" in buildspec and "python3.12" in buildspec
