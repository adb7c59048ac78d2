# Tracegrid for Azure Container Instances: from the repository root run `make dist`, then in
# this directory `terraform init && terraform apply -var-file=my.tfvars`, then set the Slack
# token in the Key Vault (see the module README).
resource "azurerm_resource_group" "tracegrid" {
  name     = "${var.name}-rg"
  location = var.location
}

module "tracegrid" {
  source = "../../azure"

  name                         = var.name
  resource_group_name          = azurerm_resource_group.tracegrid.name
  location                     = var.location
  storage_account_name         = var.storage_account_name
  key_vault_name               = var.key_vault_name
  watched_resource_group_names = var.watched_resource_group_names
  slack_channel                = var.slack_channel
  package_path                 = "${path.module}/../../../dist/azure.zip"

  tags = {
    app = "tracegrid"
  }
}
