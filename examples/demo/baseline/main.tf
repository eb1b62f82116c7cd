# The account baseline in a few lines: trail, Config rules and CIS alarms.
terraform {
  required_providers {
    secbaseline = {
      source = "secbaseline/secbaseline"
    }
  }
}

variable "api_id" {
  type = string
}

variable "api_stage" {
  type = string
}

resource "secbaseline_cloudtrail" "this" {
  name          = "org-baseline"
  force_destroy = true
}

resource "secbaseline_config_rules" "this" {
  name_prefix = "baseline-"

  recorder {}
}

resource "secbaseline_alarms" "this" {
  cloudtrail_log_group_name = secbaseline_cloudtrail.this.log_group_name

  api_gateway {
    api_id = var.api_id
    stage  = var.api_stage
  }
}

output "trail_arn" {
  value = secbaseline_cloudtrail.this.arn
}
