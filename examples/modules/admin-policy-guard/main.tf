# admin-policy-guard: rejects an IAM policy document at plan time when secbaseline's policy
# controls FAIL it at or above a severity, before anything is created.
#
#   module "deploy_policy" {
#     source      = "./modules/admin-policy-guard"
#     name        = "deploy"
#     policy_json = data.aws_iam_policy_document.deploy.json
#   }
#   resource "aws_iam_policy" "deploy" {
#     name   = "deploy"
#     policy = module.deploy_policy.policy_json # only an approved document gets here
#   }
#
# Needs Terraform >= 1.8 (provider-defined functions). No AWS access is used.

terraform {
  required_version = ">= 1.8"
  required_providers {
    secbaseline = {
      source = "secbaseline/secbaseline"
    }
  }
}

variable "name" {
  description = "Name of the policy, for messages."
  type        = string
}

variable "policy_json" {
  description = "The IAM policy document (JSON text) to judge."
  type        = string
}

variable "blocking_severities" {
  description = "Severities whose FAIL findings reject the policy."
  type        = list(string)
  default     = ["critical", "high", "medium"]
}

locals {
  findings = provider::secbaseline::policy_findings(var.policy_json)
  blocking = [
    for f in local.findings : f
    if f.status == "FAIL" && contains(var.blocking_severities, f.severity)
  ]
}

# The gate: planning fails here, with the reasons, when the document is rejected.
resource "terraform_data" "approved" {
  input = var.policy_json

  lifecycle {
    precondition {
      condition     = length(local.blocking) == 0
      error_message = "IAM policy \"${var.name}\" is rejected by secbaseline: ${join("; ", [for f in local.blocking : "${f.control_id} (${f.severity}): ${f.message}"])}"
    }
  }
}

output "policy_json" {
  description = "The approved policy document, to pass to aws_iam_policy.policy."
  value       = terraform_data.approved.output
}

output "findings" {
  description = "Every finding of the policy controls for the document."
  value       = local.findings
}
