"""boto3's DynamoDB Streams client against the durable-dynamodb endpoint (driven by
streams.test.ts).

Usage: /usr/bin/python3 streams_flow.py ENDPOINT TABLE_NAME

Creates a table with a NEW_AND_OLD_IMAGES stream and TTL, runs a mixed workload (puts, an
update, a delete, a transaction, a batch, a TTL expiry), waits until the sweep has deleted
the expired item, then reads every shard of the stream from TRIM_HORIZON with the
dynamodbstreams client and prints what it read as one JSON object.
"""

import json
import sys
import time

import boto3
from botocore.config import Config

endpoint, table_name = sys.argv[1:3]

session = boto3.session.Session(
    aws_access_key_id="AKIDE2EEXAMPLE",
    aws_secret_access_key="e2e-secret-access-key",
    region_name="us-east-1",
)
config = Config(retries={"mode": "legacy", "max_attempts": 1})
ddb = session.client("dynamodb", endpoint_url=endpoint, config=config)
streams = session.client("dynamodbstreams", endpoint_url=endpoint, config=config)

created = ddb.create_table(
    TableName=table_name,
    AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
    KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
    BillingMode="PAY_PER_REQUEST",
    StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
)
arn = created["TableDescription"]["LatestStreamArn"]
ddb.update_time_to_live(TableName=table_name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "ttl"})
ttl = ddb.describe_time_to_live(TableName=table_name)["TimeToLiveDescription"]

ddb.put_item(TableName=table_name, Item={"id": {"S": "a"}, "n": {"N": "1"}})
ddb.put_item(TableName=table_name, Item={"id": {"S": "a"}, "n": {"N": "1"}})  # unchanged: no record
ddb.update_item(
    TableName=table_name,
    Key={"id": {"S": "a"}},
    UpdateExpression="ADD n :one",
    ExpressionAttributeValues={":one": {"N": "1"}},
)
ddb.transact_write_items(
    TransactItems=[
        {"Put": {"TableName": table_name, "Item": {"id": {"S": "t"}}}},
        {"Delete": {"TableName": table_name, "Key": {"id": {"S": "a"}}}},
    ]
)
ddb.batch_write_item(
    RequestItems={
        table_name: [
            {"PutRequest": {"Item": {"id": {"S": "b1"}}}},
            {"PutRequest": {"Item": {"id": {"S": "b2"}}}},
        ]
    }
)
ddb.put_item(TableName=table_name, Item={"id": {"S": "old"}, "ttl": {"N": str(int(time.time()) - 60)}})

# The sweep runs every second (DDB_TTL_SWEEP_SECONDS=1): wait until it has deleted the item.
swept = False
for _ in range(300):
    if "Item" not in ddb.get_item(TableName=table_name, Key={"id": {"S": "old"}}):
        swept = True
        break
    time.sleep(0.1)

listed = streams.list_streams(TableName=table_name)["Streams"]
description = streams.describe_stream(StreamArn=arn)["StreamDescription"]
records = []
for shard in description["Shards"]:
    iterator = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    while iterator:
        page = streams.get_records(ShardIterator=iterator, Limit=2)
        for r in page["Records"]:
            d = r["dynamodb"]
            records.append(
                {
                    "eventName": r["eventName"],
                    "eventSource": r["eventSource"],
                    "eventVersion": r["eventVersion"],
                    "keys": d["Keys"],
                    "newImage": d.get("NewImage"),
                    "oldImage": d.get("OldImage"),
                    "sequence": d["SequenceNumber"],
                    "shard": shard["ShardId"],
                    "created": d["ApproximateCreationDateTime"].timestamp(),
                    "userIdentity": r.get("userIdentity"),
                }
            )
        if not page["Records"]:
            break
        iterator = page.get("NextShardIterator")

print(
    json.dumps(
        {
            "arn": arn,
            "ttl": ttl,
            "swept": swept,
            "listed": listed,
            "status": description["StreamStatus"],
            "viewType": description["StreamViewType"],
            "shards": len(description["Shards"]),
            "records": records,
        }
    )
)
