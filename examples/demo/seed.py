# an insecure REST API, an HTTP API, IAM users and no logging
"""Seeds the emulator account with the demo's starting point: an API Gateway REST API that
breaks several controls, and no CloudTrail, AWS Config or CloudWatch alarms at all. Writes
the API's id to demo.auto.tfvars.json so the baseline can alarm on it."""
import json

import boto3

apigw = boto3.client("apigateway")
api = apigw.create_rest_api(name="orders-api", description="demo: deliberately insecure")
root = [r for r in apigw.get_resources(restApiId=api["id"])["items"] if r["path"] == "/"][0]
apigw.put_method(restApiId=api["id"], resourceId=root["id"], httpMethod="GET", authorizationType="NONE")
apigw.put_integration(restApiId=api["id"], resourceId=root["id"], httpMethod="GET", type="MOCK")
apigw.create_deployment(restApiId=api["id"], stageName="prod", variables={"db_password": "hunter2-not-a-secret"})

with open("demo.auto.tfvars.json", "w") as out:
    json.dump({"api_id": api["id"], "api_stage": "prod"}, out)
print(f"seeded REST API orders-api ({api['id']}), stage prod")
