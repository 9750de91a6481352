"""What a terraform apply left in moto_server, read with boto3 (installed with moto).

deploy.test.ts uses it for the services the module touches that the test's
npm dependencies have no client for (Lambda, Scheduler, CloudWatch, SNS, KMS),
rather than adding five SDK packages for one test.

  python3 moto_inventory.py ENDPOINT REGION inventory
      -> JSON {service: sorted names} of everything the module could create
  python3 moto_inventory.py ENDPOINT REGION function NAME
      -> JSON of the function's configuration (environment, logging, ...)
"""
import json
import sys

import boto3


def client(service, endpoint, region):
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def inventory(endpoint, region):
    c = lambda s: client(s, endpoint, region)  # noqa: E731
    lam = c("lambda")
    functions = [f["FunctionName"] for f in lam.list_functions()["Functions"]]
    invoke_configs = []
    for f in functions:
        try:
            lam.get_function_event_invoke_config(FunctionName=f)
            invoke_configs.append(f)
        except lam.exceptions.ResourceNotFoundException:
            pass
    iam = c("iam")
    roles = [r["RoleName"] for r in iam.list_roles()["Roles"]]
    role_policies = [f"{r}:{p}" for r in roles for p in iam.list_role_policies(RoleName=r)["PolicyNames"]]
    logs = c("logs")
    groups = [g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]]
    filters = [f"{g}:{f['filterName']}" for g in groups for f in logs.describe_subscription_filters(logGroupName=g)["subscriptionFilters"]]
    s3 = c("s3")
    buckets = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    objects = [f"{b}/{o['Key']}" for b in buckets for o in s3.list_objects_v2(Bucket=b).get("Contents", [])]
    ssm = c("ssm")
    parameters = [p["Name"] for p in ssm.describe_parameters()["Parameters"]]
    schedules = [s["Name"] for s in c("scheduler").list_schedules()["Schedules"]]
    alarms = [a["AlarmName"] for a in c("cloudwatch").describe_alarms()["MetricAlarms"]]
    topics = [t["TopicArn"].rsplit(":", 1)[-1] for t in c("sns").list_topics()["Topics"]]
    kms = c("kms")
    keys = [k["KeyId"] for k in kms.list_keys()["Keys"] if kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"]["KeyState"] != "PendingDeletion"]
    out = {
        "lambda_functions": functions,
        "lambda_event_invoke_configs": invoke_configs,
        "iam_roles": roles,
        "iam_role_policies": role_policies,
        "log_groups": groups,
        "subscription_filters": filters,
        "s3_buckets": buckets,
        "s3_objects": objects,
        "ssm_parameters": parameters,
        "schedules": schedules,
        "alarms": alarms,
        "sns_topics": topics,
        "kms_keys_not_pending_deletion": keys,
    }
    return {k: sorted(v) for k, v in out.items()}


def function(endpoint, region, name):
    conf = client("lambda", endpoint, region).get_function_configuration(FunctionName=name)
    conf.pop("ResponseMetadata", None)
    return conf


if __name__ == "__main__":
    endpoint, region, command = sys.argv[1:4]
    if command == "inventory":
        result = inventory(endpoint, region)
    elif command == "function":
        result = function(endpoint, region, sys.argv[4])
    else:
        sys.exit(f"unknown command {command}")
    print(json.dumps(result, default=str))
