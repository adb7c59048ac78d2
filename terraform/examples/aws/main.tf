# Tracegrid for ECS: from the repository root run `make dist`, then in this directory
# `terraform init && terraform apply -var region=eu-west-1 -var slack_channel=C0123456789`,
# then put the Slack token into the secret (see the module README).
module "tracegrid" {
  source = "../../aws"

  package_path  = "${path.module}/../../../dist/ecs.zip"
  cluster_arns  = var.cluster_arns
  slack_channel = var.slack_channel

  tags = {
    app = "tracegrid"
  }
}
