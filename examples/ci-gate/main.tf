# A CI gate: judge the saved plan of another configuration before it is applied.
# gate.sh runs it; see README.md beside this file.
terraform {
  required_providers {
    secbaseline = {
      source = "secbaseline/secbaseline"
    }
  }
}

variable "plan_json" {
  description = "Path of `terraform show -json <planfile>` for the configuration under review."
  type        = string
}

variable "fail_on" {
  description = "Lowest severity whose failure fails the gate (`none` records findings only)."
  type        = string
  default     = "high"
}

variable "judge" {
  description = "`plan`: only what the plan creates or changes; `live+plan`: the account as it will be after apply."
  type        = string
  default     = "plan"
}

provider "secbaseline" {}

data "secbaseline_assessment" "gate" {
  source    = var.judge
  plan_json = file(var.plan_json)
  fail_on   = var.fail_on

  # Fail closed: a control at or above the threshold that could not be evaluated (ERROR, e.g.
  # an unreadable policy document or a refused AWS call) stops the gate too. Without this,
  # ERROR findings are warnings and only `passed` shows them.
  lifecycle {
    postcondition {
      condition     = var.fail_on == "none" || self.passed
      error_message = "Controls at or above ${var.fail_on} could not be evaluated (ERROR); the warnings above say why."
    }
  }
}

output "summary" {
  value = data.secbaseline_assessment.gate.summary.by_status
}

output "failures" {
  value = [
    for f in data.secbaseline_assessment.gate.findings :
    "${f.severity} ${f.control_id} ${coalesce(f.address, f.resource_id)}: ${f.message}"
    if f.status == "FAIL"
  ]
}

# SARIF 2.1.0 for code-scanning tools (GitHub, GitLab, Azure DevOps).
output "sarif" {
  value = data.secbaseline_assessment.gate.sarif
}
