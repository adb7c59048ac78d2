# Mocked google values shared by the module's and the example's terraform tests (project "p"):
# the ids, emails and URL the wiring assertions compare.
mock_data "google_project" {
  defaults = { number = "123456789012" }
}
mock_resource "google_pubsub_topic" {
  defaults = { id = "projects/p/topics/tracegrid-gke-events" }
}
mock_resource "google_secret_manager_secret" {
  defaults = { id = "projects/p/secrets/tracegrid-gke-slack-bot-token" }
}
mock_resource "google_service_account" {
  defaults = {
    email  = "tracegrid-gke-push@p.iam.gserviceaccount.com"
    member = "serviceAccount:tracegrid-gke-push@p.iam.gserviceaccount.com"
    name   = "projects/p/serviceAccounts/tracegrid-gke-push@p.iam.gserviceaccount.com"
  }
}
mock_resource "google_logging_project_sink" {
  defaults = { writer_identity = "serviceAccount:service-123456789012@gcp-sa-logging.iam.gserviceaccount.com" }
}
mock_resource "google_cloudfunctions2_function" {
  defaults = {
    service_config = { uri = "https://tracegrid-gke-abc123-ew.a.run.app" }
  }
}
