"""`desktop-uploader explain`: saved answers in, plain words (or JSON) out, never a secret echoed."""

from __future__ import annotations

import argparse
import io
import json
import time
from pathlib import Path

import pytest

from desktop_uploader.cli import explain_cmd
from tests.core.explain.builders import ALL_SECRETS, SIGNATURE, TOKEN, s3_xml, v4_url


def run(argv: list[str], capsys: pytest.CaptureFixture[str], stdin: str | None = None,
        monkeypatch: pytest.MonkeyPatch | None = None) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="desktop-uploader")
    sub = parser.add_subparsers(dest="command")
    explain_cmd.register(sub)
    args = parser.parse_args(["explain", *argv])
    if stdin is not None:
        assert monkeypatch is not None
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
    code = args.func(args)
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        for secret in ALL_SECRETS:
            assert secret not in text


def test_register_sets_run(capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser()
    explain_cmd.register(parser.add_subparsers())
    args = parser.parse_args(["explain", "--status", "403"])
    assert args.func is explain_cmd.run


def test_xml_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "err.xml", s3_xml("NoSuchBucket", "The specified bucket does not exist",
                                             BucketName="photos"))
    code, out, _ = run([path, "--status", "404"], capsys)
    assert code == 0
    assert out.splitlines()[0] == ("The storage place for uploads does not exist. Ask your administrator to check "
                                   "the storage settings.")
    assert "Explanation code: NoSuchBucket" in out
    assert "'photos'" in out


def test_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "err.xml", s3_xml("SlowDown", "Please reduce your request rate."))
    code, out, _ = run([path, "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["code"] == "SlowDown" and data["retryable"] is True
    assert set(data) == {"code", "summary", "cause", "action", "admin_action", "retryable", "fixed_by", "retrying",
                         "details"}
    assert data["retrying"] == "The app will wait a little and try again."


def test_endpoint_json_from_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = run(["-", "--status", "403", "--json"], capsys,
                       stdin='{"message":"Missing Authentication Token"}', monkeypatch=monkeypatch)
    assert code == 0
    assert json.loads(out)["code"] == "Endpoint.wrong_path"


def test_seed_style_json_string(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "answer.json", json.dumps('Missing required parameters "filekey" and "contentType"'))
    code, out, _ = run([path, "--status", "400"], capsys)
    assert code == 0
    assert "Explanation code: Endpoint.missing_parameter" in out


def test_html_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "page.html", "<html><head><title>Free Wi-Fi</title></head><body>Please log in to "
                                        "continue</body></html>")
    code, out, _ = run([path], capsys)
    assert code == 0
    assert "Explanation code: Network.captive_portal" in out


def test_saved_curl_output_with_status_and_headers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = ("HTTP/1.1 502 Bad Gateway\r\nContent-Type: application/json\r\n"
            "x-amzn-ErrorType: InternalServerErrorException\r\n\r\n{\"message\": \"Internal server error\"}")
    code, out, _ = run([write(tmp_path, "curl.txt", text), "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["code"] == "Endpoint.function_crashed"
    assert data["details"]["status"] == 502


def test_status_only(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--status", "407"], capsys)
    assert code == 0
    assert "Explanation code: Network.proxy_auth" in out


def test_link_only(capsys: pytest.CaptureFixture[str]) -> None:
    expired = v4_url(signed_at=time.time() - 7200, expires=900, token=TOKEN)
    code, out, err = run(["--url", expired], capsys)
    assert code == 0
    assert "Explanation code: Link.expired" in out
    assert_no_secret(out, err)
    fine = v4_url(signed_at=time.time() - 10, expires=900)
    code, out, _ = run(["--url", fine, "--json"], capsys)
    assert json.loads(out)["code"] == "Link.ok"


def test_answer_and_link_together(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "err.xml", s3_xml("AccessDenied", "Request has expired"))
    url = v4_url(signed_at=time.time() - 7200, expires=900)
    code, out, _ = run([path, "--url", url, "--status", "403"], capsys)
    assert code == 0
    assert "Explanation code: AccessDenied.expired" in out
    assert "valid for 15 minutes" in out


def test_method_option_finds_a_method_mismatch(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "err.xml", s3_xml("MethodNotAllowed", "The specified method is not allowed"))
    code, out, _ = run([path, "--url", v4_url(signed_at=time.time()), "--method", "post", "--status", "405"], capsys)
    assert code == 0
    assert "Explanation code: MethodNotAllowed.method" in out


def test_report_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "err.xml", s3_xml("InternalError", "We encountered an internal error."))
    code, out, _ = run([path, "--report", "--status", "500"], capsys)
    assert code == 0
    assert out.startswith("desktop-uploader problem report")
    assert "For the administrator:" in out


@pytest.mark.parametrize("fmt", [[], ["--json"], ["--report"]])
def test_secrets_on_the_command_line_and_in_the_answer_never_come_back(
    fmt: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = s3_xml("ExpiredToken", "The provided token has expired.", Token__0=TOKEN, SignatureProvided=SIGNATURE)
    url = v4_url(signed_at=time.time(), token=TOKEN, access_key="ASIAEXAMPLETEMP00001")
    code, out, err = run([write(tmp_path, "err.xml", body), "--url", url, "--status", "400", *fmt], capsys)
    assert code == 0
    assert "ExpiredToken" in out
    assert_no_secret(out, err)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "give a saved answer"),
        (["/nonexistent/answer.xml"], "cannot read"),
        (["--status", "42"], "--status"),
        (["--url", "not a link"], "--url"),
    ],
)
def test_usage_errors_exit_2(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(argv, capsys)
    assert code == 2
    assert message in err and out == ""


def test_huge_input_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "big.bin"
    path.write_bytes(b"x" * (explain_cmd.MAX_INPUT + 10))
    code, _, err = run([str(path)], capsys)
    assert code == 2 and "larger than" in err


def test_through_the_main_entry_point(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from desktop_uploader.cli.main import main

    path = write(tmp_path, "err.xml", s3_xml("NoSuchUpload", "The specified upload does not exist."))
    assert main(["explain", path, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["code"] == "NoSuchUpload"
    assert main(["explain"]) == 2
