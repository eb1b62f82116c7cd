terraform {
  required_providers {
    secbaseline = { source = "secbaseline/secbaseline" }
  }
}

data "secbaseline_accounts" "org" {}

data "secbaseline_assessment" "org" {
  accounts  = data.secbaseline_accounts.org.ids
  role_name = "OrganizationAccountAccessRole" # better: a read-only audit role in every account
  regions   = ["all"]
  fail_on   = "high"
}

output "failures_by_account" {
  value = { for id, counts in data.secbaseline_assessment.org.summary.by_account : id => counts["FAIL"] }
}
