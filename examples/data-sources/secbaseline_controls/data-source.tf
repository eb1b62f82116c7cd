# Every CIS-referenced control of the API Gateway and IAM services.
data "secbaseline_controls" "cis" {
  services   = ["apigateway", "iam"]
  frameworks = ["cis"]
}

output "cis_control_ids" {
  value = data.secbaseline_controls.cis.ids
}
