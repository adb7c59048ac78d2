# Tracegrid for GKE: from the repository root run `make dist`, then in this directory
# `terraform init && terraform apply -var project_id=my-project -var region=europe-west1 -var slack_channel=C0123456789`
# (one apply), and add the Slack token as a version of the secret it outputs (docs/deploy.md).
module "tracegrid" {
  source = "../../gcp"

  project_id    = var.project_id
  region        = var.region
  cluster_names = var.cluster_names
  slack_channel = var.slack_channel
  package_path  = "${path.module}/../../../dist/gke.zip"

  labels = {
    app = "tracegrid"
  }
}
