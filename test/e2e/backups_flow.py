"""boto3 against the durable-dynamodb endpoint: backups, point-in-time recovery, export
to the endpoint's local R2 bucket `exports` and import back (driven by backups.test.ts).

Usage: /usr/bin/python3 backups_flow.py ENDPOINT TABLE_PREFIX

Prints one JSON object: the items of the source at each moment and of each restored or
imported table, with the descriptions the operations answered.
"""

import json
import sys
import time

import boto3
from botocore.config import Config

endpoint, prefix = sys.argv[1:3]
session = boto3.session.Session(
    aws_access_key_id="AKIDE2EEXAMPLE",
    aws_secret_access_key="e2e-secret-access-key",
    region_name="us-east-1",
)
ddb = session.client("dynamodb", endpoint_url=endpoint, config=Config(retries={"max_attempts": 3}))
key = {"AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
       "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}], "BillingMode": "PAY_PER_REQUEST"}


def items(table):
    out = []
    for page in ddb.get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
        out.extend(page["Items"])
    return sorted(out, key=lambda item: item["id"]["S"])


def wait(check, what):
    for _ in range(600):
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise SystemExit(f"{what} never happened")


def active(table):
    wait(lambda: ddb.describe_table(TableName=table)["Table"]["TableStatus"] == "ACTIVE", f"{table} ACTIVE")


source = f"{prefix}-src"
ddb.create_table(TableName=source, **key)
for i in range(30):
    ddb.put_item(TableName=source, Item={"id": {"S": f"k{i:02d}"}, "v": {"N": str(i)}})
at_backup = items(source)
backup = ddb.create_backup(TableName=source, BackupName="nightly")["BackupDetails"]
for i in range(0, 30, 3):
    ddb.put_item(TableName=source, Item={"id": {"S": f"k{i:02d}"}, "v": {"N": "-1"}})
ddb.delete_item(TableName=source, Key={"id": {"S": "k01"}})
wait(lambda: ddb.describe_backup(BackupArn=backup["BackupArn"])["BackupDescription"]["BackupDetails"]["BackupStatus"] == "AVAILABLE", "backup AVAILABLE")
restored = f"{prefix}-restored"
ddb.restore_table_from_backup(TargetTableName=restored, BackupArn=backup["BackupArn"])
active(restored)

pitr = ddb.update_continuous_backups(TableName=source, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
ddb.put_item(TableName=source, Item={"id": {"S": "first"}})
time.sleep(1.2)
moment = time.time()
at_moment = items(source)
time.sleep(1.2)
ddb.put_item(TableName=source, Item={"id": {"S": "second"}})
ddb.delete_item(TableName=source, Key={"id": {"S": "k02"}})
restored_pitr = f"{prefix}-pitr"
ddb.restore_table_to_point_in_time(SourceTableName=source, TargetTableName=restored_pitr,
                                   RestoreDateTime=moment)
active(restored_pitr)

now = items(source)
export = ddb.export_table_to_point_in_time(TableArn=source, S3Bucket="exports", S3Prefix=prefix)["ExportDescription"]
done = wait(lambda: (lambda d: d if d["ExportStatus"] != "IN_PROGRESS" else None)(
    ddb.describe_export(ExportArn=export["ExportArn"])["ExportDescription"]), "export COMPLETED")
export_id = export["ExportArn"].split("/")[-1]
imported = f"{prefix}-imported"
started = ddb.import_table(S3BucketSource={"S3Bucket": "exports", "S3KeyPrefix": f"{prefix}/AWSDynamoDB/{export_id}/data/"},
                           InputFormat="DYNAMODB_JSON", InputCompressionType="GZIP",
                           TableCreationParameters={"TableName": imported, **key})["ImportTableDescription"]
import_done = wait(lambda: (lambda d: d if d["ImportStatus"] != "IN_PROGRESS" else None)(
    ddb.describe_import(ImportArn=started["ImportArn"])["ImportTableDescription"]), "import COMPLETED")
active(imported)

print(json.dumps({
    "backupStatus": backup["BackupStatus"],
    "atBackup": at_backup,
    "restored": items(restored),
    "pitrStatus": pitr["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"],
    "atMoment": at_moment,
    "restoredPitr": items(restored_pitr),
    "now": now,
    "exportStatus": done["ExportStatus"],
    "exportItemCount": done.get("ItemCount"),
    "importStatus": import_done["ImportStatus"],
    "importedItemCount": import_done["ImportedItemCount"],
    "imported": items(imported),
}))
