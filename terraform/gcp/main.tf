data "google_project" "this" {
  project_id = var.project_id
}

locals {
  package_path = coalesce(var.package_path, "${path.module}/../../dist/gke.zip")

  # The CloudEvent function package functions/gke registers (functions.CloudEvent("Handler", ...)).
  entry_point = "Handler"

  # Pub/Sub pushes each message to the function itself (no Eventarc trigger), so the module owns
  # the subscription's retry and dead-letter policy. functions-framework-go turns a push request
  # into the google.cloud.pubsub.topic.v1.messagePublished CloudEvent the function handles, and
  # takes the event's source topic from a request path of this form.
  events_topic = "${var.name}-events"
  push_path    = "/projects/${var.project_id}/topics/${local.events_topic}"

  # How long one delivery may run: the function's timeout, and Pub/Sub's push request timeout.
  timeout_seconds = 60

  # The function reads the Slack token from this secret version at cold start (SLACK_SECRET_VERSION),
  # so it deploys before the secret has a version and a missing version is a log line, not a failed
  # deploy.
  slack_secret_version = "${google_secret_manager_secret.slack.id}/versions/latest"

  services = [
    "artifactregistry.googleapis.com",
    "cloudbuild.googleapis.com",
    "cloudfunctions.googleapis.com",
    "iam.googleapis.com",
    "logging.googleapis.com",
    "pubsub.googleapis.com",
    "run.googleapis.com",
    "secretmanager.googleapis.com",
    "storage.googleapis.com",
  ]

  cluster_filter = length(var.cluster_names) == 0 ? "" : format(
    " AND resource.labels.cluster_name=(%s)",
    join(" OR ", [for c in var.cluster_names : format("%q", c)]),
  )

  # Kernel OOM-kill lines as kubelet, the kernel log and node-problem-detector write them on GKE
  # nodes: each term is one the node-log parser (shared/kube ParseNodeLog) reads as an OOM kill.
  node_oom_terms = ["Memory cgroup out of memory", "Out of memory: Kill", "oom-kill:"]

  # Warning Kubernetes events (pods, nodes, the cluster) and node OOM-kill lines: what
  # functions/gke turns into failures. Plus the pods' Normal "Started" events: the recoveries
  # that resolve an open incident (a crash-looping pod's own restarts never resolve its
  # incident; functions/gke/README.md). "Started" alone serves: every pull that recovers is
  # followed by a Started of the same container, so "Pulled" would only double the volume.
  log_filter = join("\n", [
    "(",
    "  (log_id(\"events\") AND resource.type=(\"k8s_pod\" OR \"k8s_node\" OR \"k8s_cluster\") AND severity>=WARNING)",
    "  OR",
    "  (log_id(\"events\") AND resource.type=\"k8s_pod\" AND jsonPayload.reason=\"Started\")",
    "  OR",
    format(
      "  (resource.type=\"k8s_node\" AND (log_id(\"kubelet\") OR log_id(\"kernel\") OR log_id(\"node-problem-detector\")) AND (%s))",
      join(" OR ", [for term in local.node_oom_terms : format("%q", term)]),
    ),
    ")${local.cluster_filter}",
  ])
}

resource "google_project_service" "this" {
  for_each = toset(local.services)
  project  = var.project_id
  service  = each.value
}

# ---- Log sink -> Pub/Sub --------------------------------------------------------------------

resource "google_pubsub_topic" "events" {
  project = var.project_id
  name    = local.events_topic
  labels  = var.labels

  depends_on = [google_project_service.this]
}

resource "google_logging_project_sink" "events" {
  project                = var.project_id
  name                   = "${var.name}-k8s-warnings"
  description            = "Tracegrid: Warning Kubernetes events, pods' Started events and node OOM lines to ${google_pubsub_topic.events.name}"
  destination            = "pubsub.googleapis.com/${google_pubsub_topic.events.id}"
  filter                 = local.log_filter
  unique_writer_identity = true
}

resource "google_pubsub_topic_iam_member" "sink_publisher" {
  project = var.project_id
  topic   = google_pubsub_topic.events.name
  role    = "roles/pubsub.publisher"
  member  = google_logging_project_sink.events.writer_identity
}

# ---- Delivery: push subscription with retries and dead letters ------------------------------

# Messages the function kept failing on (Slack down or refusing for longer than the retries last).
resource "google_pubsub_topic" "dead_letter" {
  project = var.project_id
  name    = "${var.name}-dead-letter"
  labels  = var.labels

  depends_on = [google_project_service.this]
}

# Keeps the dead letters readable: a topic without a subscription drops what is published to it.
resource "google_pubsub_subscription" "dead_letter" {
  project                    = var.project_id
  name                       = "${var.name}-dead-letter"
  topic                      = google_pubsub_topic.dead_letter.id
  message_retention_duration = var.dead_letter_retention
  labels                     = var.labels

  expiration_policy {
    ttl = ""
  }
}

locals {
  pubsub_agent = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"
}

# The push subscription: Pub/Sub POSTs each message to the function with an OIDC token of the
# push service account, redelivers on a non-2xx answer with exponential backoff, and after
# max_delivery_attempts forwards the message to the dead-letter topic.
resource "google_pubsub_subscription" "push" {
  project              = var.project_id
  name                 = "${var.name}-push"
  topic                = google_pubsub_topic.events.id
  ack_deadline_seconds = local.timeout_seconds
  labels               = var.labels

  push_config {
    push_endpoint = "${google_cloudfunctions2_function.this.service_config[0].uri}${local.push_path}"

    oidc_token {
      service_account_email = google_service_account.push.email
      audience              = google_cloudfunctions2_function.this.service_config[0].uri
    }
  }

  retry_policy {
    minimum_backoff = var.retry_minimum_backoff
    maximum_backoff = "600s"
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.dead_letter.id
    max_delivery_attempts = var.max_delivery_attempts
  }

  # Without this a subscription that sees no message for 31 days is deleted: a quiet cluster
  # would silently stop being watched.
  expiration_policy {
    ttl = ""
  }

  depends_on = [
    google_cloud_run_service_iam_member.push_invoker,
    google_service_account_iam_member.pubsub_token_creator,
    google_pubsub_topic_iam_member.dead_letter_publisher,
  ]
}

# Dead-lettering needs the Pub/Sub service agent to publish to the dead-letter topic and to
# acknowledge on the source subscription.
resource "google_pubsub_topic_iam_member" "dead_letter_publisher" {
  project = var.project_id
  topic   = google_pubsub_topic.dead_letter.name
  role    = "roles/pubsub.publisher"
  member  = local.pubsub_agent
}

resource "google_pubsub_subscription_iam_member" "dead_letter_subscriber" {
  project      = var.project_id
  subscription = google_pubsub_subscription.push.name
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_agent
}

# The Pub/Sub service agent mints the push requests' OIDC tokens as the push service account
# (projects that enabled Pub/Sub before April 2021 lack this grant at project level).
resource "google_service_account_iam_member" "pubsub_token_creator" {
  service_account_id = google_service_account.push.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = local.pubsub_agent
}

# ---- Service accounts -----------------------------------------------------------------------

resource "google_service_account" "runtime" {
  project      = var.project_id
  account_id   = "${var.name}-run"
  display_name = "Tracegrid function runtime"

  depends_on = [google_project_service.this]
}

resource "google_service_account" "push" {
  project      = var.project_id
  account_id   = "${var.name}-push"
  display_name = "Tracegrid Pub/Sub push"

  depends_on = [google_project_service.this]
}

resource "google_service_account" "build" {
  project      = var.project_id
  account_id   = "${var.name}-build"
  display_name = "Tracegrid function build"

  depends_on = [google_project_service.this]
}

resource "google_project_iam_member" "build" {
  for_each = toset(["roles/logging.logWriter", "roles/artifactregistry.writer"])
  project  = var.project_id
  role     = each.value
  member   = google_service_account.build.member
}

# Only the push service account may invoke the function.
resource "google_cloud_run_service_iam_member" "push_invoker" {
  project  = var.project_id
  location = var.region
  service  = google_cloudfunctions2_function.this.name # 2nd gen: the Cloud Run service has the function's name
  role     = "roles/run.invoker"
  member   = google_service_account.push.member
}

# ---- Source, state and secret ---------------------------------------------------------------

resource "google_storage_bucket" "source" {
  project                     = var.project_id
  name                        = "${var.project_id}-${var.name}-source"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = true
  labels                      = var.labels

  depends_on = [google_project_service.this]
}

resource "google_storage_bucket_object" "package" {
  name   = "gke-${filemd5(local.package_path)}.zip"
  bucket = google_storage_bucket.source.name
  source = local.package_path
}

resource "google_storage_bucket_iam_member" "build_source" {
  bucket = google_storage_bucket.source.name
  role   = "roles/storage.objectViewer"
  member = google_service_account.build.member
}

resource "google_storage_bucket" "state" {
  count                       = var.state_bucket_enabled ? 1 : 0
  project                     = var.project_id
  name                        = "${var.project_id}-${var.name}-state"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = true
  labels                      = var.labels

  # functions/gke/gcsstate keeps each key in one object under state/ and treats expired ones as
  # absent; the rule only reclaims them.
  lifecycle_rule {
    condition {
      age            = var.state_retention_days
      matches_prefix = ["state/"]
    }
    action {
      type = "Delete"
    }
  }

  depends_on = [google_project_service.this]
}

resource "google_storage_bucket_iam_member" "state" {
  count  = var.state_bucket_enabled ? 1 : 0
  bucket = google_storage_bucket.state[0].name
  role   = "roles/storage.objectUser"
  member = google_service_account.runtime.member
}

resource "google_secret_manager_secret" "slack" {
  project   = var.project_id
  secret_id = "${var.name}-slack-bot-token"
  labels    = var.labels

  replication {
    auto {}
  }

  depends_on = [google_project_service.this]
}

resource "google_secret_manager_secret_version" "slack" {
  count       = nonsensitive(var.slack_bot_token != null) ? 1 : 0
  secret      = google_secret_manager_secret.slack.id
  secret_data = var.slack_bot_token
}

# secretmanager.versions.access on this one secret: the function reads SLACK_SECRET_VERSION.
resource "google_secret_manager_secret_iam_member" "runtime" {
  project   = var.project_id
  secret_id = google_secret_manager_secret.slack.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.runtime.member
}

# ---- Function -------------------------------------------------------------------------------

resource "google_cloudfunctions2_function" "this" {
  project     = var.project_id
  name        = var.name
  location    = var.region
  description = "Tracegrid: names the root cause of failing GKE workloads and posts the fix to Slack"
  labels      = var.labels

  build_config {
    runtime         = var.go_runtime
    entry_point     = local.entry_point
    service_account = google_service_account.build.id

    source {
      storage_source {
        bucket = google_storage_bucket.source.name
        object = google_storage_bucket_object.package.name
      }
    }
  }

  service_config {
    max_instance_count    = var.max_instance_count
    available_memory      = "256M"
    timeout_seconds       = local.timeout_seconds
    ingress_settings      = "ALLOW_INTERNAL_ONLY"
    service_account_email = google_service_account.runtime.email

    environment_variables = merge(var.environment, {
      SLACK_CHANNEL        = var.slack_channel
      SLACK_SECRET_VERSION = local.slack_secret_version
      TRACEGRID_GCS_BUCKET = var.state_bucket_enabled ? google_storage_bucket.state[0].name : ""
      TRACEGRID_DRY_RUN    = var.dry_run ? "1" : "0"
      TRACEGRID_VERIFY     = var.registry_check ? "on" : "off"
    })
  }

  # No event_trigger: Eventarc would own the push subscription and its dead-letter policy. The
  # module's own subscription (google_pubsub_subscription.push) delivers instead.

  depends_on = [
    google_project_service.this,
    google_project_iam_member.build,
    google_storage_bucket_iam_member.build_source,
    google_secret_manager_secret_iam_member.runtime,
  ]
}

# ---- Registry check -------------------------------------------------------------------------

# Before naming a pull cause, the function asks Artifact Registry (and gcr.io, served by it)
# whether the image exists, with its own service account: Artifact Registry Reader on each named
# repository. Off with registry_check = false.
resource "google_artifact_registry_repository_iam_member" "registry_check" {
  for_each   = { for r in var.artifact_registry_repositories : "${r.project}/${r.location}/${r.repository}" => r if var.registry_check }
  project    = each.value.project
  location   = each.value.location
  repository = each.value.repository
  role       = "roles/artifactregistry.reader"
  member     = "serviceAccount:${google_service_account.runtime.email}"
}
