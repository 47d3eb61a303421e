"""The SAM template: valid for cfn-lint, and routing exactly what the handler serves."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from desktop_uploader.endpoint.handler import resolve

TEMPLATE = Path(__file__).resolve().parents[2] / "packaging" / "endpoint" / "template.yaml"


def _cfn_lint() -> str:
    found = shutil.which("cfn-lint") or str(Path(sys.executable).with_name("cfn-lint"))
    if not Path(found).exists():
        pytest.fail("cfn-lint is not installed (it is in the test extras)")
    return found


def test_template_passes_cfn_lint() -> None:
    result = subprocess.run(
        [_cfn_lint(), "--format", "parseable", str(TEMPLATE)],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    # cfn-lint's exit code is a bit mask: 2 = errors, 4 = warnings, 8 = informational; 1 = it crashed.
    assert result.returncode & 0b11 == 0, result.stdout + result.stderr
    assert result.returncode == 0, result.stdout + result.stderr


class _CfnLoader(yaml.SafeLoader):
    pass


def _any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return {suffix: loader.construct_scalar(node)}
    if isinstance(node, yaml.SequenceNode):
        return {suffix: loader.construct_sequence(node)}
    return {suffix: loader.construct_mapping(node)}


_CfnLoader.add_multi_constructor("!", _any_tag)


def _template() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.load(TEMPLATE.read_text(), Loader=_CfnLoader)  # noqa: S506 - SafeLoader subclass
    return loaded


def test_every_route_reaches_the_handler() -> None:
    function = _template()["Resources"]["SigningFunction"]["Properties"]
    routes = {(e["Properties"]["Method"], e["Properties"]["Path"]) for e in function["Events"].values()}
    expected = {
        ("GET", "/"),
        ("GET", "/sign"),
        ("POST", "/sign/batch"),
        ("GET", "/s3/params"),
        ("POST", "/s3/multipart"),
        ("GET", "/s3/multipart/{uploadId}"),
        ("DELETE", "/s3/multipart/{uploadId}"),
        ("GET", "/s3/multipart/{uploadId}/batch"),
        ("GET", "/s3/multipart/{uploadId}/{partNumber}"),
        ("POST", "/s3/multipart/{uploadId}/complete"),
    }
    assert routes == expected
    for method, path in routes:
        concrete = path.replace("{uploadId}", "up-1").replace("{partNumber}", "7")
        route = resolve(concrete)
        assert route is not None and method in route.methods, (method, path)


def test_handler_and_code_location_match_the_package() -> None:
    function = _template()["Resources"]["SigningFunction"]["Properties"]
    code_dir = (TEMPLATE.parent / function["CodeUri"]).resolve()
    module, _, attribute = function["Handler"].rpartition(".")
    assert (code_dir / Path(*module.split("."))).with_suffix(".py").is_file()
    assert attribute == "lambda_handler"
    assert _template()["Globals"]["Function"]["Runtime"] == "python3.12"


def test_role_may_only_write_under_the_prefix() -> None:
    policies = _template()["Resources"]["SigningFunction"]["Properties"]["Policies"]
    statement = policies[0]["Statement"][0]
    assert statement["Action"] == ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"]
    assert statement["Resource"] == {"Sub": "arn:${AWS::Partition}:s3:::${UploadBucket}/${UploadKeyPrefix}*"}


def test_handler_imports_from_the_deployed_layout(tmp_path: Path) -> None:
    # Lambda unpacks CodeUri as the code root, so the package must work as a top-level "endpoint"
    # package without the rest of the repository on the path.
    function = _template()["Resources"]["SigningFunction"]["Properties"]
    code_dir = (TEMPLATE.parent / function["CodeUri"]).resolve()
    root = tmp_path / "task"
    shutil.copytree(code_dir, root, ignore=shutil.ignore_patterns("__pycache__"))
    module, _, attribute = function["Handler"].rpartition(".")
    script = (
        "import json, sys\n"
        f"from {module} import {attribute} as handler\n"
        "event = {'version': '2.0', 'rawPath': '/sign', 'rawQueryString': 'filekey=a.txt&contentType=text%2Fplain',"
        " 'headers': {}, 'requestContext': {'http': {'method': 'GET'}, 'stage': '$default'}}\n"
        "response = handler(event, None)\n"
        "print(json.dumps({'status': response['statusCode'], 'body': json.loads(response['body']),"
        " 'repo_modules': sorted(m for m in sys.modules if m.startswith('desktop_uploader'))}))\n"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "UPLOAD_BUCKET": "deployed-bucket",
        "AWS_REGION": "eu-west-1",
        "AWS_ACCESS_KEY_ID": "AKIDLAYOUTFAKE",
        "AWS_SECRET_ACCESS_KEY": "layoutsecretlayoutsecret",
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
    }
    result = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(root)!r})\n" + script],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    assert outcome["status"] == 200, outcome
    assert outcome["body"]["signed_url"].startswith("https://deployed-bucket.s3.eu-west-1.amazonaws.com/a.txt?")
    assert outcome["repo_modules"] == []


def _parameter(name: str) -> dict[str, Any]:
    parameter: dict[str, Any] = _template()["Parameters"][name]
    return parameter


def _environment() -> dict[str, Any]:
    variables: dict[str, Any] = _template()["Resources"]["SigningFunction"]["Properties"]["Environment"]["Variables"]
    return variables


def test_a_default_deploy_requires_a_token_generated_into_secrets_manager() -> None:
    assert _parameter("SharedToken")["Default"] == ""
    assert _parameter("SharedToken")["NoEcho"] is True
    secret = _template()["Resources"]["SharedTokenSecret"]
    assert secret["Type"] == "AWS::SecretsManager::Secret"
    # Without a token given, the secret's value is generated; with one, it is stored as given.
    generate = secret["Properties"]["GenerateSecretString"]["If"]
    assert generate[0] == "HasSharedToken" and generate[1] == {"Ref": "AWS::NoValue"}
    assert generate[2]["PasswordLength"] >= 32
    assert secret["Properties"]["SecretString"]["If"] == ["HasSharedToken", {"Ref": "SharedToken"},
                                                          {"Ref": "AWS::NoValue"}]
    variables = _environment()
    assert "SHARED_TOKEN" not in variables  # the token never sits in the function's configuration
    assert variables["SHARED_TOKEN_SECRET"] == {"Ref": "SharedTokenSecret"}
    assert variables["DEVICE_TABLE_SECRET"] == {"Ref": "DeviceTableSecret"}


def test_the_environment_the_template_sets_makes_an_endpoint_that_needs_a_token() -> None:
    from desktop_uploader.endpoint import EndpointConfig

    env = {"UPLOAD_BUCKET": "b", "SHARED_TOKEN_SECRET": "arn:aws:secretsmanager:eu-west-1:1:secret:t",
           "DEVICE_TABLE_SECRET": "arn:aws:secretsmanager:eu-west-1:1:secret:d",
           "STATUS_PREFIX": _parameter("StatusPrefix")["Default"], "NO_OVERWRITE": _parameter("NoOverwrite")["Default"],
           "ALLOWED_ORIGIN": "none"}
    assert set(env) - {"UPLOAD_BUCKET"} <= set(_environment())
    config = EndpointConfig.from_env(env)
    assert config.token_required and config.no_overwrite
    assert config.allowed_origins() == ()


def test_the_device_table_starts_empty_and_valid() -> None:
    from desktop_uploader.endpoint.devices import DeviceTable

    text = _template()["Resources"]["DeviceTableSecret"]["Properties"]["SecretString"]
    assert DeviceTable.loads(text) == DeviceTable()


def test_origins_must_be_named_and_never_a_wildcard() -> None:
    parameter = _parameter("AllowedOrigins")
    assert "Default" not in parameter  # whoever deploys names them
    pattern = re.compile(parameter["AllowedPattern"])
    for good in ("none", "https://upload.example.org", "https://a.example,http://localhost:8080"):
        assert pattern.fullmatch(good), good
    for bad in ("*", "", "https://*.example.org", "https://a.example, https://b.example", "https://a.example/path",
                "none,https://a.example"):
        assert not pattern.fullmatch(bad), bad
    assert _environment()["ALLOWED_ORIGIN"] == {"Ref": "AllowedOrigins"}
    cors = _template()["Resources"]["SigningApi"]["Properties"]["CorsConfiguration"]["If"]
    assert cors[0] == "AllowsBrowsers" and cors[2] == {"Ref": "AWS::NoValue"}
    assert cors[1]["AllowHeaders"] == ["authorization", "content-type", "x-api-key"]


def test_prefixes_are_folders() -> None:
    for name in ("UploadKeyPrefix", "StatusPrefix"):
        pattern = re.compile(_parameter(name)["AllowedPattern"])
        assert pattern.fullmatch(_parameter(name)["Default"])
        assert not pattern.fullmatch("uploads"), name
        assert not pattern.fullmatch("/uploads/"), name
    assert re.fullmatch(_parameter("UploadKeyPrefix")["AllowedPattern"], "")


def test_the_role_may_write_status_objects_and_read_only_its_two_secrets() -> None:
    statements = _template()["Resources"]["SigningFunction"]["Properties"]["Policies"][0]["Statement"]
    assert statements[1] == {"Effect": "Allow", "Action": ["s3:PutObject"],
                             "Resource": {"Sub": "arn:${AWS::Partition}:s3:::${UploadBucket}/${StatusPrefix}*"}}
    assert statements[2] == {"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue"],
                             "Resource": [{"Ref": "SharedTokenSecret"}, {"Ref": "DeviceTableSecret"}]}
    assert _parameter("NoOverwrite")["Default"] == "true"
