# One `terraform apply` of this example against a mocked google 7.x: no -target, nothing done in
# between. Needs `make dist` (dist/gke.zip) and the google provider binary for its schema
# (docs/deploy.md, "Checking the modules"); not part of `make test`. The module's own tests
# (terraform/gcp/tests) assert the wiring resource by resource.
mock_provider "google" {
  source = "../../gcp/tests/mocks"
}

variables {
  project_id    = "p"
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
