# Plans and applies this module against a mocked google 7.x: the real provider's schema checks
# every resource's configuration and nothing reaches Google Cloud. Needs the google provider
# binary (see the README); not part of `make test`. From terraform/gcp: terraform init && terraform test
mock_provider "google" {
  source = "./tests/mocks"
}

variables {
  project_id    = "p"
  region        = "europe-west1"
  slack_channel = "C0123456789"
  package_path  = "tests/empty.zip" # only its hash is read
}

run "one_apply" {
  command = apply

  # The trigger reaches the function: the module's own push subscription, authenticated.
  assert {
    condition     = google_pubsub_subscription.push.topic == google_pubsub_topic.events.id
    error_message = "push subscription on the sink's topic"
  }
  assert {
    condition     = google_pubsub_subscription.push.push_config[0].push_endpoint == "https://tracegrid-gke-abc123-ew.a.run.app/projects/p/topics/tracegrid-gke-events"
    error_message = "push endpoint: ${google_pubsub_subscription.push.push_config[0].push_endpoint}"
  }
  assert {
    condition     = google_pubsub_subscription.push.push_config[0].oidc_token[0].audience == "https://tracegrid-gke-abc123-ew.a.run.app" && google_pubsub_subscription.push.push_config[0].oidc_token[0].service_account_email == google_service_account.push.email
    error_message = "OIDC token of the push service account for the function's URL"
  }
  assert {
    condition     = google_cloud_run_service_iam_member.push_invoker.role == "roles/run.invoker" && google_cloud_run_service_iam_member.push_invoker.member == google_service_account.push.member && google_cloud_run_service_iam_member.push_invoker.service == "tracegrid-gke"
    error_message = "only the push service account invokes the function"
  }
  assert {
    condition     = length(google_cloudfunctions2_function.this.event_trigger) == 0
    error_message = "no Eventarc trigger owning the subscription"
  }
  assert {
    condition     = google_pubsub_subscription.push.ack_deadline_seconds == google_cloudfunctions2_function.this.service_config[0].timeout_seconds
    error_message = "Pub/Sub waits as long as the function may run"
  }
  # The dead-letter target is set, and Pub/Sub may use it.
  assert {
    condition     = google_pubsub_subscription.push.dead_letter_policy[0].dead_letter_topic == google_pubsub_topic.dead_letter.id && google_pubsub_subscription.push.dead_letter_policy[0].max_delivery_attempts == 10
    error_message = "dead-letter policy"
  }
  assert {
    condition     = google_pubsub_subscription.push.retry_policy[0].minimum_backoff == "10s" && google_pubsub_subscription.push.expiration_policy[0].ttl == ""
    error_message = "retry backoff, never expires"
  }
  assert {
    condition     = google_pubsub_topic_iam_member.dead_letter_publisher.member == "serviceAccount:service-123456789012@gcp-sa-pubsub.iam.gserviceaccount.com" && google_pubsub_subscription_iam_member.dead_letter_subscriber.role == "roles/pubsub.subscriber"
    error_message = "Pub/Sub service agent publishes dead letters and acknowledges"
  }
  # The runtime identity has exactly the roles the code needs.
  assert {
    condition     = google_secret_manager_secret_iam_member.runtime.role == "roles/secretmanager.secretAccessor" && google_secret_manager_secret_iam_member.runtime.secret_id == google_secret_manager_secret.slack.secret_id
    error_message = "secret accessor on the one secret"
  }
  assert {
    condition     = google_storage_bucket_iam_member.state[0].role == "roles/storage.objectUser" && google_storage_bucket_iam_member.state[0].bucket == "p-tracegrid-gke-state"
    error_message = "object user on the state bucket"
  }
  # The secret is read by the function itself, never an environment value.
  assert {
    condition     = google_cloudfunctions2_function.this.service_config[0].environment_variables["SLACK_SECRET_VERSION"] == "projects/p/secrets/tracegrid-gke-slack-bot-token/versions/latest"
    error_message = "SLACK_SECRET_VERSION = ${google_cloudfunctions2_function.this.service_config[0].environment_variables["SLACK_SECRET_VERSION"]}"
  }
  assert {
    condition     = length(google_cloudfunctions2_function.this.service_config[0].secret_environment_variables) == 0 && !contains(keys(google_cloudfunctions2_function.this.service_config[0].environment_variables), "SLACK_BOT_TOKEN")
    error_message = "no secret environment binding: the function deploys before the secret has a version"
  }
  assert {
    condition     = length(google_secret_manager_secret_version.slack) == 0
    error_message = "no secret version written without a token"
  }
}

run "with_token" {
  command = apply
  variables {
    slack_bot_token = "xoxb-test"
  }
  assert {
    condition     = length(google_secret_manager_secret_version.slack) == 1
    error_message = "the token becomes the first secret version"
  }
  assert {
    condition     = !contains(values(google_cloudfunctions2_function.this.service_config[0].environment_variables), "xoxb-test")
    error_message = "the token itself became an environment variable"
  }
}
