# Plans this example against a mocked azurerm 5.x (an apply would run the Azure CLI that deploys
# the package). Needs `make dist` (dist/azure.zip) and the azurerm provider binary for its schema
# (docs/deploy.md, "Checking the modules"); not part of `make test`. The module's own tests
# (terraform/azure/tests) apply it and assert the wiring resource by resource.
mock_provider "azurerm" {
  source = "../../azure/tests/mocks"
}

variables {
  subscription_id              = "22222222-2222-2222-2222-222222222222"
  location                     = "westeurope"
  name                         = "tracegrid-prod"
  storage_account_name         = "tracegridprod"
  key_vault_name               = "tracegrid-prod-kv"
  watched_resource_group_names = ["apps-prod"]
  slack_channel                = "C0123456789"
}

run "plan" {
  command = plan

  assert {
    condition     = output.slack_secret_name == "slack-bot-token" && output.key_vault_name == "tracegrid-prod-kv"
    error_message = "where the token goes"
  }
}
