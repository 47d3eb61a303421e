from __future__ import annotations

import pytest

from desktop_uploader.endpoint import ConfigError, EndpointConfig, make_s3_client


def test_from_env_defaults() -> None:
    config = EndpointConfig.from_env({"UPLOAD_BUCKET": "b"})
    assert config.bucket == "b"
    assert config.key_prefix == ""
    assert config.allowed_content_types == ()
    assert config.expires == 900
    assert config.acl is None
    assert config.shared_token is None
    assert config.s3_endpoint_url is None
    assert config.addressing_style == "auto"
    assert config.allowed_origin == "*"
    assert config.max_upload_bytes == 5 * 1024**3
    assert config.access_key is None and config.secret_key is None
    assert config.status_prefix == "_devices/"
    assert config.no_overwrite is False
    assert (config.device_table_file, config.device_table_secret, config.shared_token_secret) == (None, None, None)
    assert config.secret_ttl == 60
    assert not config.token_required


def test_fleet_settings_from_env() -> None:
    config = EndpointConfig.from_env(
        {
            "UPLOAD_BUCKET": "b",
            "STATUS_PREFIX": "fleet/status",
            "NO_OVERWRITE": "true",
            "DEVICE_TABLE_SECRET": "arn:aws:secretsmanager:eu-west-1:1:secret:devices",
            "SHARED_TOKEN_SECRET": "arn:aws:secretsmanager:eu-west-1:1:secret:token",
            "SECRET_TTL": "30",
        }
    )
    assert config.status_prefix == "fleet/status/"
    assert config.no_overwrite is True
    assert config.device_table_secret.endswith(":devices")  # type: ignore[union-attr]
    assert config.shared_token_secret.endswith(":token")  # type: ignore[union-attr]
    assert config.secret_ttl == 30
    assert config.token_required
    assert config.describe()["no_overwrite"] == "yes"
    # An empty STATUS_PREFIX turns status objects off; leaving it out keeps the default.
    assert EndpointConfig.from_env({"UPLOAD_BUCKET": "b", "STATUS_PREFIX": ""}).status_prefix == ""


def test_a_prefix_always_ends_at_a_folder_boundary() -> None:
    assert EndpointConfig(bucket="b", key_prefix="uploads").key_prefix == "uploads/"
    assert EndpointConfig(bucket="b", key_prefix="a/b/").key_prefix == "a/b/"
    assert EndpointConfig(bucket="b", key_prefix="").key_prefix == ""


def test_from_env_reads_every_setting() -> None:
    config = EndpointConfig.from_env(
        {
            "UPLOAD_BUCKET": " my-bucket ",
            "UPLOAD_KEY_PREFIX": "uploads/",
            "ALLOWED_CONTENT_TYPES": "image/*, Application/PDF ,,",
            "URL_EXPIRES": "60",
            "UPLOAD_ACL": "public-read",
            "SHARED_TOKEN": "s3cr3t",
            "S3_ENDPOINT_URL": "http://127.0.0.1:8333",
            "AWS_REGION": "eu-west-1",
            "S3_ADDRESSING_STYLE": "PATH",
            "ALLOWED_ORIGIN": "https://app.example",
            "MAX_UPLOAD_BYTES": "1024",
        }
    )
    assert config.bucket == "my-bucket"
    assert config.key_prefix == "uploads/"
    assert config.allowed_content_types == ("image/*", "application/pdf")
    assert config.expires == 60
    assert config.acl == "public-read"
    assert config.shared_token == "s3cr3t"
    assert config.s3_endpoint_url == "http://127.0.0.1:8333"
    assert config.region == "eu-west-1"
    assert config.addressing_style == "path"
    assert config.allowed_origin == "https://app.example"
    assert config.max_upload_bytes == 1024


def test_s3_region_overrides_the_lambda_region() -> None:
    config = EndpointConfig.from_env({"UPLOAD_BUCKET": "b", "AWS_REGION": "us-east-1", "S3_REGION": "eu-central-1"})
    assert config.region == "eu-central-1"


@pytest.mark.parametrize(
    ("env", "mentions"),
    [
        ({}, "UPLOAD_BUCKET"),
        ({"UPLOAD_BUCKET": "  "}, "UPLOAD_BUCKET"),
        ({"UPLOAD_BUCKET": "b", "URL_EXPIRES": "soon"}, "URL_EXPIRES"),
        ({"UPLOAD_BUCKET": "b", "URL_EXPIRES": "0"}, "URL_EXPIRES"),
        ({"UPLOAD_BUCKET": "b", "URL_EXPIRES": "604801"}, "URL_EXPIRES"),
        ({"UPLOAD_BUCKET": "b", "UPLOAD_ACL": "everyone"}, "UPLOAD_ACL"),
        ({"UPLOAD_BUCKET": "b", "S3_ADDRESSING_STYLE": "sideways"}, "S3_ADDRESSING_STYLE"),
        ({"UPLOAD_BUCKET": "b", "S3_ENDPOINT_URL": "127.0.0.1:8333"}, "S3_ENDPOINT_URL"),
        ({"UPLOAD_BUCKET": "b", "UPLOAD_KEY_PREFIX": "/abs/"}, "UPLOAD_KEY_PREFIX"),
        ({"UPLOAD_BUCKET": "b", "UPLOAD_KEY_PREFIX": "a/../b/"}, "UPLOAD_KEY_PREFIX"),
        ({"UPLOAD_BUCKET": "b", "ALLOWED_CONTENT_TYPES": "image"}, "ALLOWED_CONTENT_TYPES"),
        ({"UPLOAD_BUCKET": "b", "MAX_UPLOAD_BYTES": "0"}, "MAX_UPLOAD_BYTES"),
        ({"UPLOAD_BUCKET": "b", "NO_OVERWRITE": "maybe"}, "NO_OVERWRITE"),
        ({"UPLOAD_BUCKET": "b", "STATUS_PREFIX": "a/../b/"}, "STATUS_PREFIX"),
        ({"UPLOAD_BUCKET": "b", "SECRET_TTL": "7200"}, "SECRET_TTL"),
        ({"UPLOAD_BUCKET": "b", "DEVICE_TABLE_FILE": "d.json", "DEVICE_TABLE_SECRET": "arn"}, "DEVICE_TABLE_"),
        ({"UPLOAD_BUCKET": "b", "SHARED_TOKEN": "t", "SHARED_TOKEN_SECRET": "arn"}, "SHARED_TOKEN"),
    ],
)
def test_invalid_settings_name_the_variable(env: dict[str, str], mentions: str) -> None:
    with pytest.raises(ConfigError, match=mentions):
        EndpointConfig.from_env(env)


def test_expiry_limits_are_inclusive() -> None:
    assert EndpointConfig(bucket="b", expires=1).expires == 1
    assert EndpointConfig(bucket="b", expires=604800).expires == 604800


def test_secrets_stay_out_of_repr_and_describe() -> None:
    config = EndpointConfig(bucket="b", shared_token="tok-123456", access_key="AKID", secret_key="SECRETVALUE")
    assert "tok-123456" not in repr(config)
    assert "SECRETVALUE" not in repr(config)
    described = str(config.describe())
    assert "tok-123456" not in described and "SECRETVALUE" not in described
    assert config.describe()["token_required"] == "yes"


def test_access_key_without_secret_is_refused() -> None:
    with pytest.raises(ConfigError):
        EndpointConfig(bucket="b", access_key="AKID")


def test_error_message_does_not_echo_the_token() -> None:
    # Even an invalid configuration must not put the token into a message that reaches clients or logs.
    with pytest.raises(ConfigError) as info:
        EndpointConfig.from_env({"SHARED_TOKEN": "very-secret-token"})
    assert "very-secret-token" not in str(info.value)


@pytest.mark.parametrize(
    ("bucket", "style", "prefix"),
    [
        ("my-bucket", "auto", "https://my-bucket.s3.eu-west-1.amazonaws.com/k?"),
        ("my.dotted.bucket", "auto", "https://s3.eu-west-1.amazonaws.com/my.dotted.bucket/k?"),
        ("my-bucket", "path", "https://s3.eu-west-1.amazonaws.com/my-bucket/k?"),
        ("my-bucket", "virtual", "https://my-bucket.s3.eu-west-1.amazonaws.com/k?"),
    ],
)
def test_aws_links_use_the_regional_host(bucket: str, style: str, prefix: str) -> None:
    config = EndpointConfig(
        bucket=bucket, region="eu-west-1", addressing_style=style, access_key="AKIDFAKE", secret_key="fake"
    )
    client = make_s3_client(config)
    try:
        url = client.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=60)
    finally:
        client.close()
    assert url.startswith(prefix)
