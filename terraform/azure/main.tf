data "azurerm_client_config" "current" {}

data "azurerm_resource_group" "watched" {
  for_each = toset(var.watched_resource_group_names)
  name     = each.value
}

locals {
  package_path = coalesce(var.package_path, "${path.module}/../../dist/azure.zip")

  # Function names are the folders in dist/azure.zip (functions/azure): Event Grid events go to
  # AciEvent, the timer runs AciScan.
  event_function = "AciEvent"

  slack_secret_name = "slack-bot-token"
  # Versionless, so a new secret version is picked up without a redeploy.
  slack_secret_uri = "${azurerm_key_vault.this.vault_uri}secrets/${local.slack_secret_name}"

  table_name = "tracegridstate"

  subscription_scope = "/subscriptions/${data.azurerm_client_config.current.subscription_id}"

  event_types = [
    "Microsoft.Resources.ResourceWriteFailure",
    "Microsoft.Resources.ResourceWriteSuccess",
    "Microsoft.Resources.ResourceActionFailure",
  ]
}

# ---- Storage: Functions host, deployment package, dead letters, dedup table -------------------------

resource "azurerm_storage_account" "this" {
  name                            = var.storage_account_name
  resource_group_name             = var.resource_group_name
  location                        = var.location
  account_tier                    = "Standard"
  account_replication_type        = "LRS"
  min_tls_version                 = "TLS1_2"
  allow_nested_items_to_be_public = false
  tags                            = var.tags
}

# Flex Consumption keeps the deployed package in a blob container of its own and runs from it.
resource "azurerm_storage_container" "deployment" {
  name                  = "function-deployment"
  storage_account_id    = azurerm_storage_account.this.id
  container_access_type = "private"
}

resource "azurerm_storage_container" "deadletter" {
  name                  = "eventgrid-deadletter"
  storage_account_id    = azurerm_storage_account.this.id
  container_access_type = "private"
}

resource "azurerm_storage_table" "state" {
  count              = var.table_state_enabled ? 1 : 0
  name               = local.table_name
  storage_account_id = azurerm_storage_account.this.id
}

# ---- Monitoring -----------------------------------------------------------------------------

resource "azurerm_log_analytics_workspace" "this" {
  name                = "${var.name}-logs"
  resource_group_name = var.resource_group_name
  location            = var.location
  sku                 = "PerGB2018"
  retention_in_days   = var.log_retention_days
  tags                = var.tags
}

resource "azurerm_application_insights" "this" {
  name                = "${var.name}-ai"
  resource_group_name = var.resource_group_name
  location            = var.location
  workspace_id        = azurerm_log_analytics_workspace.this.id
  application_type    = "other"
  tags                = var.tags
}

# ---- Slack token in Key Vault ---------------------------------------------------------------

resource "azurerm_key_vault" "this" {
  name                       = var.key_vault_name
  resource_group_name        = var.resource_group_name
  location                   = var.location
  tenant_id                  = data.azurerm_client_config.current.tenant_id
  sku_name                   = "standard"
  rbac_authorization_enabled = true
  soft_delete_retention_days = 7
  tags                       = var.tags
}

# Only when the module writes the secret itself: the deployer needs to set secrets.
resource "azurerm_role_assignment" "deployer_secrets" {
  count                = nonsensitive(var.slack_bot_token != null) ? 1 : 0
  scope                = azurerm_key_vault.this.id
  role_definition_name = "Key Vault Secrets Officer"
  principal_id         = data.azurerm_client_config.current.object_id
}

resource "azurerm_key_vault_secret" "slack" {
  count        = nonsensitive(var.slack_bot_token != null) ? 1 : 0
  name         = local.slack_secret_name
  value        = var.slack_bot_token
  key_vault_id = azurerm_key_vault.this.id
  content_type = "Slack bot token"

  depends_on = [azurerm_role_assignment.deployer_secrets]
}

# ---- Function App on Flex Consumption ------------------------------------------------------

resource "azurerm_service_plan" "this" {
  name                = "${var.name}-plan"
  resource_group_name = var.resource_group_name
  location            = var.location
  os_type             = "Linux"
  sku_name            = "FC1"
  tags                = var.tags
}

resource "azurerm_function_app_flex_consumption" "this" {
  name                = var.name
  resource_group_name = var.resource_group_name
  location            = var.location
  service_plan_id     = azurerm_service_plan.this.id
  https_only          = true

  # The custom handler runtime: the Functions host starts the `handler` binary named in
  # host.json (FUNCTIONS_WORKER_RUNTIME=custom is not an app setting on Flex).
  runtime_name    = "custom"
  runtime_version = "1.0"

  # Deployment package container and host storage (AzureWebJobsStorage), both with the account
  # key: azurerm 5.2.0 writes AzureWebJobsStorage as a connection string with an empty AccountKey
  # when storage_authentication_type is an identity, which the host cannot use.
  storage_container_type      = "blobContainer"
  storage_container_endpoint  = "${azurerm_storage_account.this.primary_blob_endpoint}${azurerm_storage_container.deployment.name}"
  storage_authentication_type = "StorageAccountConnectionString"
  storage_access_key          = azurerm_storage_account.this.primary_access_key

  instance_memory_in_mb  = var.instance_memory_mb
  maximum_instance_count = var.maximum_instance_count

  # Instances kept warm for the Event Grid function, so a failure reaches Slack without a cold
  # start. Each one is billed while idle.
  dynamic "always_ready" {
    for_each = var.always_ready_instances > 0 ? [var.always_ready_instances] : []
    content {
      name           = "function:${local.event_function}"
      instance_count = always_ready.value
    }
  }

  identity {
    type = "SystemAssigned"
  }

  site_config {
    application_insights_connection_string = azurerm_application_insights.this.connection_string
  }

  app_settings = merge(var.app_settings, {
    AZURE_SUBSCRIPTION_ID     = data.azurerm_client_config.current.subscription_id
    TRACEGRID_RESOURCE_GROUPS = join(",", var.watched_resource_group_names)
    TRACEGRID_SCAN_SCHEDULE   = var.scan_schedule
    TRACEGRID_ENRICH          = var.enrich ? "on" : "off"
    TRACEGRID_VERIFY          = var.registry_check ? "on" : "off"
    TRACEGRID_DRY_RUN         = var.dry_run ? "1" : "0"
    TRACEGRID_TABLE_ENDPOINT  = var.table_state_enabled ? azurerm_storage_account.this.primary_table_endpoint : ""
    TRACEGRID_TABLE_NAME      = var.table_state_enabled ? local.table_name : ""
    SLACK_CHANNEL             = var.slack_channel
    SLACK_BOT_TOKEN           = "@Microsoft.KeyVault(SecretUri=${local.slack_secret_uri})"
  })

  tags = var.tags
}

# Flex Consumption takes code through OneDeploy (POST /api/publish), which
# `az functionapp deployment source config-zip` uses for Flex apps. The provider's own
# zip_deploy_file posts to /api/zipdeploy, which Flex does not serve (hashicorp/
# terraform-provider-azurerm#29630, still so in 5.2.0), so the module runs the CLI the deployer
# is already logged in with. A new build (another hash) deploys again.
resource "terraform_data" "package" {
  count = var.deploy_package ? 1 : 0

  triggers_replace = {
    app     = azurerm_function_app_flex_consumption.this.id
    package = filemd5(local.package_path)
  }

  provisioner "local-exec" {
    command = "az functionapp deployment source config-zip --subscription \"$SUBSCRIPTION\" --resource-group \"$RESOURCE_GROUP\" --name \"$APP\" --src \"$PACKAGE\""
    environment = {
      SUBSCRIPTION   = data.azurerm_client_config.current.subscription_id
      RESOURCE_GROUP = var.resource_group_name
      APP            = azurerm_function_app_flex_consumption.this.name
      PACKAGE        = abspath(local.package_path)
    }
  }
}

# ---- What the function's identity may do ----------------------------------------------------

resource "azurerm_role_assignment" "secrets_user" {
  scope                = azurerm_key_vault.this.id
  role_definition_name = "Key Vault Secrets User"
  principal_id         = azurerm_function_app_flex_consumption.this.identity[0].principal_id
  principal_type       = "ServicePrincipal"
}

resource "azurerm_role_assignment" "reader" {
  for_each             = data.azurerm_resource_group.watched
  scope                = each.value.id
  role_definition_name = "Reader"
  principal_id         = azurerm_function_app_flex_consumption.this.identity[0].principal_id
  principal_type       = "ServicePrincipal"
}

# The cause of a failed write is in the Activity Log entry with the event's correlationId, which
# the function looks up at subscription scope (.../providers/Microsoft.Insights/eventtypes/
# management/values). That API answers 200 with whatever the caller may see, so a resource-group
# Reader can get an empty page instead of an error: grant exactly that one read action here.
resource "azurerm_role_definition" "activity_log_reader" {
  count       = var.activity_log_reader_enabled ? 1 : 0
  name        = "${var.name} Activity Log reader"
  scope       = local.subscription_scope
  description = "Tracegrid: reads Activity Log entries to name the ARM error of a failed container group operation."

  permissions {
    actions = ["Microsoft.Insights/eventtypes/values/read"]
  }

  assignable_scopes = [local.subscription_scope]
}

resource "azurerm_role_assignment" "activity_log_reader" {
  count              = var.activity_log_reader_enabled ? 1 : 0
  scope              = local.subscription_scope
  role_definition_id = azurerm_role_definition.activity_log_reader[0].role_definition_resource_id
  principal_id       = azurerm_function_app_flex_consumption.this.identity[0].principal_id
  principal_type     = "ServicePrincipal"
}

resource "azurerm_role_assignment" "table_state" {
  count                = var.table_state_enabled ? 1 : 0
  scope                = azurerm_storage_account.this.id
  role_definition_name = "Storage Table Data Contributor"
  principal_id         = azurerm_function_app_flex_consumption.this.identity[0].principal_id
  principal_type       = "ServicePrincipal"
}

# ---- Event Grid: one system topic per watched resource group --------------------------------

resource "azurerm_eventgrid_system_topic" "watched" {
  for_each            = data.azurerm_resource_group.watched
  name                = "${var.name}-${each.key}"
  resource_group_name = each.value.name
  location            = "global"
  source_resource_id  = each.value.id
  topic_type          = "Microsoft.Resources.ResourceGroups"
  tags                = var.tags
}

resource "azurerm_eventgrid_system_topic_event_subscription" "aci" {
  for_each            = azurerm_eventgrid_system_topic.watched
  name                = "${var.name}-aci"
  system_topic        = each.value.name
  resource_group_name = each.value.resource_group_name

  azure_function_endpoint {
    function_id          = "${azurerm_function_app_flex_consumption.this.id}/functions/${local.event_function}"
    max_events_per_batch = 1
  }

  included_event_types = local.event_types

  subject_filter {
    subject_begins_with = "${data.azurerm_resource_group.watched[each.key].id}/providers/Microsoft.ContainerInstance/containerGroups"
    case_sensitive      = false
  }

  retry_policy {
    max_delivery_attempts = var.max_delivery_attempts
    event_time_to_live    = var.event_time_to_live_minutes
  }

  storage_blob_dead_letter_destination {
    storage_account_id          = azurerm_storage_account.this.id
    storage_blob_container_name = azurerm_storage_container.deadletter.name
  }

  # Event Grid validates the endpoint when the subscription is created: the AciEvent function
  # must be deployed first.
  depends_on = [terraform_data.package]
}

# ---- Registry check -------------------------------------------------------------------------

# Before naming a pull cause, the function asks the registry whether the image exists, with its
# own identity: a pull role on each named registry (AcrPull; in ABAC-enabled registries, which
# do not honour AcrPull, "Container Registry Repository Reader"). Off with registry_check = false.
resource "azurerm_role_assignment" "registry_check" {
  for_each             = { for id in var.acr_registry_ids : id => id if var.registry_check }
  scope                = each.value
  role_definition_name = var.acr_role
  principal_id         = azurerm_function_app_flex_consumption.this.identity[0].principal_id
  principal_type       = "ServicePrincipal"
}
