terraform {
  required_providers {
    secbaseline = { source = "secbaseline/secbaseline" }
  }
}

# Every ACTIVE account of the organization (credentials of the management account or a
# delegated administrator).
data "secbaseline_accounts" "org" {}

# Only the accounts under the Workloads OU (at any depth), without the sandbox.
data "secbaseline_accounts" "workloads" {
  ou_ids      = ["ou-ab12-workload"]
  exclude_ids = ["111122223333"]
}

output "workload_accounts" {
  value = { for a in data.secbaseline_accounts.workloads.accounts : a.id => a.ou_path }
}
