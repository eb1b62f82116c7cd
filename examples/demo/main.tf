# The secbaseline demo, run by `make demo` against the local AWS emulator.
terraform {
  required_providers {
    secbaseline = {
      source = "secbaseline/secbaseline"
    }
  }
}

provider "secbaseline" {
  region = "us-east-1"
}

data "secbaseline_account" "current" {}

output "account_id" {
  value = data.secbaseline_account.current.account_id
}
