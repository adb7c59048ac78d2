# One `terraform apply` of this example against a mocked google 7.x: no -target, nothing done in
# between. Needs `make dist` (dist/gke.zip) and the google provider binary for its schema
# (docs/deploy.md, "Checking the modules"); not part of `make test`. The module's own tests
# (terraform/gcp/tests) assert the wiring resource by resource.
mock_provider "google" {
  mock_data "google_project" {
    defaults = { number = "123456789012" }
  }
  mock_resource "google_secret_manager_secret" {
    defaults = { id = "projects/my-project/secrets/tracegrid-gke-slack-bot-token" }
  }
  mock_resource "google_service_account" {
    defaults = {
      email  = "tracegrid-gke-push@my-project.iam.gserviceaccount.com"
      member = "serviceAccount:tracegrid-gke-push@my-project.iam.gserviceaccount.com"
      name   = "projects/my-project/serviceAccounts/tracegrid-gke-push@my-project.iam.gserviceaccount.com"
    }
  }
  mock_resource "google_logging_project_sink" {
    defaults = { writer_identity = "serviceAccount:service-123456789012@gcp-sa-logging.iam.gserviceaccount.com" }
  }
  mock_resource "google_cloudfunctions2_function" {
    defaults = { service_config = { uri = "https://tracegrid-gke-abc123-ew.a.run.app" } }
  }
}

variables {
  project_id    = "my-project"
  region        = "europe-west1"
  slack_channel = "C0123456789"
}

run "one_apply" {
  command = apply

  assert {
    condition     = output.slack_secret_id == "tracegrid-gke-slack-bot-token"
    error_message = "the secret to add the token to: ${output.slack_secret_id}"
  }
  assert {
    condition     = output.dead_letter_subscription_id != null && output.topic_id != null
    error_message = "topic and dead letters exist after the one apply"
  }
}
