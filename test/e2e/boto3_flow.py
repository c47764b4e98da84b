"""boto3 against the durable-dynamodb endpoint (driven by boto3.test.ts).

Usage: /usr/bin/python3 boto3_flow.py ENDPOINT TABLE_NAME MISSING_TABLE_NAME

Runs one flow with the low-level client and the resource API and prints one JSON object
with the results on stdout; the TypeScript test asserts on it. Every call also records
whether the response's x-amz-crc32 header matches the body: botocore itself checks that
header (legacy retry mode) and raises on a mismatch, the record makes the check visible.
"""

import base64
import json
import sys
import zlib
from decimal import Decimal

import boto3
from boto3.dynamodb.types import Binary
from botocore.config import Config

endpoint, table_name, missing_name = sys.argv[1:4]

session = boto3.session.Session(
    aws_access_key_id="AKIDE2EEXAMPLE",
    aws_secret_access_key="e2e-secret-access-key",
    region_name="us-east-1",
)
# Legacy retry mode is where botocore verifies x-amz-crc32 (a mismatch raises ChecksumError).
config = Config(retries={"mode": "legacy", "max_attempts": 1})
client = session.client("dynamodb", endpoint_url=endpoint, config=config)
resource = session.resource("dynamodb", endpoint_url=endpoint, config=config)

crc_checks = []


def record_crc(http_response, model, **_):
    body = http_response.content
    header = http_response.headers.get("x-amz-crc32")
    crc_checks.append(
        {
            "operation": model.name,
            "status": http_response.status_code,
            "bodyBytes": len(body),
            "header": header,
            "matches": header is not None and int(header) == zlib.crc32(body) & 0xFFFFFFFF,
        }
    )


for emitter in (client.meta.events, resource.meta.client.meta.events):
    emitter.register("after-call.dynamodb", record_crc)


def to_json(value):
    """Python values from the resource API as JSON: Decimal and Binary tagged as strings."""
    if isinstance(value, Decimal):
        return {"Decimal": str(value)}
    if isinstance(value, Binary):
        return {"Binary": base64.b64encode(value.value).decode()}
    if isinstance(value, (bytes, bytearray)):
        return {"bytes": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, set):
        return {"set": sorted((to_json(v) for v in value), key=json.dumps)}
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    return value


def wire(value):
    """A low-level response as JSON: bytes as base64, datetimes as ISO text."""
    return json.loads(
        json.dumps(
            value,
            default=lambda v: base64.b64encode(v).decode()
            if isinstance(v, (bytes, bytearray))
            else v.isoformat(),
        )
    )


def strip_metadata(response):
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


out = {}

# --- low-level client -------------------------------------------------------------
created = client.create_table(
    TableName=table_name,
    AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
    KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
    BillingMode="PAY_PER_REQUEST",
)
out["createTable"] = wire(strip_metadata(created))
client.get_waiter("table_exists").wait(TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
out["describeTable"] = wire(strip_metadata(client.describe_table(TableName=table_name)))

item = {
    "id": {"S": "low-1"},
    "n": {"N": "1.50"},
    "b": {"B": b"\x00\x01\xfe\xff"},
    "bs": {"BS": [b"\x01", b"\x02\x03"]},
    "ss": {"SS": ["x", "y"]},
    "ns": {"NS": ["1", "2"]},
    "m": {"M": {"k": {"S": "v"}}},
    "l": {"L": [{"NULL": True}, {"BOOL": False}]},
}
out["putFirst"] = wire(
    strip_metadata(
        client.put_item(TableName=table_name, Item=item, ReturnValues="ALL_OLD", ReturnConsumedCapacity="TOTAL")
    )
)
out["putSecond"] = wire(
    strip_metadata(
        client.put_item(TableName=table_name, Item=item, ReturnValues="ALL_OLD", ReturnConsumedCapacity="TOTAL")
    )
)
out["getItem"] = wire(
    strip_metadata(
        client.get_item(TableName=table_name, Key={"id": {"S": "low-1"}}, ReturnConsumedCapacity="TOTAL")
    )
)

# A ~50 KB item, so the CRC32 covers a big response body (returned three times).
big_text = "".join(chr(0x41 + (i * 7) % 26) for i in range(50_000)) + "✓"
big = {"id": {"S": "big-1"}, "payload": {"S": big_text}}
client.put_item(TableName=table_name, Item=big)
big_put = client.put_item(TableName=table_name, Item=big, ReturnValues="ALL_OLD", ReturnConsumedCapacity="TOTAL")
big_get = client.get_item(TableName=table_name, Key={"id": {"S": "big-1"}}, ConsistentRead=True)
out["bigItem"] = {
    "putReturnedSame": big_put["Attributes"] == big,
    "putCapacity": big_put["ConsumedCapacity"],
    "getReturnedSame": big_get["Item"] == big,
    "payloadLength": len(big_get["Item"]["payload"]["S"]),
}

out["deleteItem"] = wire(
    strip_metadata(
        client.delete_item(
            TableName=table_name,
            Key={"id": {"S": "low-1"}},
            ReturnValues="ALL_OLD",
            ReturnConsumedCapacity="TOTAL",
        )
    )
)
out["getDeleted"] = wire(strip_metadata(client.get_item(TableName=table_name, Key={"id": {"S": "low-1"}})))

try:
    client.get_item(TableName=missing_name, Key={"id": {"S": "x"}})
    out["missingTable"] = "no error"
except client.exceptions.ResourceNotFoundException as err:
    out["missingTable"] = {
        "class": type(err).__name__,
        "code": err.response["Error"]["Code"],
        "message": err.response["Error"]["Message"],
        "status": err.response["ResponseMetadata"]["HTTPStatusCode"],
    }

try:
    client.put_item(TableName=table_name, Item={"other": {"S": "x"}})
    out["missingKey"] = "no error"
except client.exceptions.ClientError as err:
    out["missingKey"] = {
        "code": err.response["Error"]["Code"],
        "message": err.response["Error"]["Message"],
        "status": err.response["ResponseMetadata"]["HTTPStatusCode"],
    }

# --- resource API -----------------------------------------------------------------
table = resource.Table(table_name)
out["resourceTableStatus"] = table.table_status
table.put_item(
    Item={
        "id": "res-1",
        "price": Decimal("19.99"),
        "qty": Decimal("3"),
        "trailing": Decimal("1.50"),
        "data": Binary(b"\x00\x01\xff"),
        "raw": b"\x10\x20",
        "tags": {"a", "b"},
        "sizes": {Decimal("1"), Decimal("2.5")},
        "nested": {"list": [Decimal("1"), "two", None, True], "empty": {}},
    }
)
out["resourceGet"] = to_json(table.get_item(Key={"id": "res-1"})["Item"])
out["resourceDelete"] = to_json(table.delete_item(Key={"id": "res-1"}, ReturnValues="ALL_OLD")["Attributes"])

# --- listing and deleting ---------------------------------------------------------
out["listTables"] = client.list_tables()["TableNames"]
names = []
for page in client.get_paginator("list_tables").paginate(PaginationConfig={"PageSize": 1}):
    names.extend(page["TableNames"])
out["listTablesPaged"] = names
out["deleteTable"] = wire(strip_metadata(client.delete_table(TableName=table_name)))
client.get_waiter("table_not_exists").wait(TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
out["listAfterDelete"] = client.list_tables()["TableNames"]

out["crc"] = crc_checks
json.dump(out, sys.stdout)
