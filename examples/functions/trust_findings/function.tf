variable "trust_policy" {
  type = string

  validation {
    condition = alltrue([
      for f in provider::secbaseline::trust_findings(var.trust_policy) :
      !(f.status == "FAIL" && contains(["critical", "high"], f.severity))
    ])
    error_message = "The trust policy lets anyone (or an unconstrained service) assume the role."
  }
}

resource "aws_iam_role" "app" {
  name               = "app"
  assume_role_policy = var.trust_policy
}
