# The AWS Config managed rules of the secbaseline catalogue, with the recorder they need.
resource "secbaseline_config_rules" "main" {
  name_prefix = "secbaseline-"

  # Default: apigateway, iam, cloudtrail and cloudwatch.
  services      = ["apigateway", "iam", "cloudtrail", "cloudwatch"]
  exclude_rules = ["API_GW_ASSOCIATED_WITH_WAF"]

  parameters = {
    IAM_PASSWORD_POLICY = { MaxPasswordAge = "60" }
  }

  # Creates (or adopts) the region's recorder, its service-linked role, a delivery bucket and
  # channel, and starts recording. Leave the block out when the account already records.
  recorder {}
}

output "config_rule_names" {
  value = secbaseline_config_rules.main.rules[*].name
}
