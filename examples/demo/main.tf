# The secbaseline demo, run by `make demo` against the local AWS emulator:
# assess the account, apply the baseline bundles, assess again.
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

variable "apply_baseline" {
  description = "Create the baseline bundles (false: only assess)."
  type        = bool
  default     = false
}

variable "api_id" {
  description = "The REST API to alarm on (written by seed.py)."
  type        = string
}

variable "api_stage" {
  type    = string
  default = "prod"
}

data "secbaseline_account" "current" {}

module "baseline" {
  source = "./baseline"
  count  = var.apply_baseline ? 1 : 0

  api_id    = var.api_id
  api_stage = var.api_stage
}

data "secbaseline_assessment" "account" {
  services = ["apigateway", "cloudtrail", "config", "cloudwatch"]

  # Read after the baseline exists, so the findings show its effect.
  depends_on = [module.baseline]
}

output "account_id" {
  value = data.secbaseline_account.current.account_id
}

output "findings" {
  value = [
    for f in data.secbaseline_assessment.account.findings :
    { control = f.control_id, status = f.status, resource = f.resource_id, message = f.message }
  ]
}

output "summary" {
  value = data.secbaseline_assessment.account.summary.by_status
}
