# Assess API Gateway and the account's logging and monitoring in two regions.
# Failures are warnings; a high or critical failure fails the plan.
data "secbaseline_assessment" "baseline" {
  services = ["apigateway", "cloudtrail", "config", "cloudwatch"]
  regions  = ["us-east-1", "eu-west-1"]
  fail_on  = "high"

  parameters = {
    access_key_max_age_days = "90"
  }

  exemptions = [
    {
      control  = "apigateway_rest_waf"
      resource = "arn:aws:apigateway:us-east-1::/restapis/*/stages/dev"
      reason   = "dev stages are internal; WAF is applied at the CloudFront edge"
      expires  = "2027-06-30"
    },
  ]
}

output "score" {
  value = data.secbaseline_assessment.baseline.score
}

output "failures" {
  value = [
    for f in data.secbaseline_assessment.baseline.findings : "${f.control_id}: ${f.message}"
    if f.status == "FAIL"
  ]
}

# A check block reports failures on every plan without blocking it.
check "iam_baseline" {
  data "secbaseline_assessment" "iam" {
    services = ["iam", "sts"]
  }

  assert {
    condition     = data.secbaseline_assessment.iam.passed
    error_message = "IAM/STS controls failing: ${join(", ", distinct([for f in data.secbaseline_assessment.iam.findings : f.control_id if f.status == "FAIL"]))}"
  }
}

# For code scanning: `terraform output -raw sarif > secbaseline.sarif`.
output "sarif" {
  value = data.secbaseline_assessment.baseline.sarif
}
