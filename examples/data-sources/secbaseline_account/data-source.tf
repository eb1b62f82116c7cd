data "secbaseline_account" "current" {}

output "account_id" {
  value = data.secbaseline_account.current.account_id
}
