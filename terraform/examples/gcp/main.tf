# Tracegrid for GKE: from the repository root run `make dist`, create the secret's first version
# (see the module README), then in this directory
# `terraform init && terraform apply -var project_id=my-project -var region=europe-west1 -var slack_channel=C0123456789`.
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
