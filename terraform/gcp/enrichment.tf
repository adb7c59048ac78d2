# Enrichment (functions/gke/README.md): the failing container's log tail from Cloud Logging,
# and its last termination from the pod, read through the cluster's DNS-based control-plane
# endpoint with the function's Google identity.
resource "google_project_iam_member" "runtime_logs" {
  project = var.project_id
  role    = "roles/logging.viewer"
  member  = google_service_account.runtime.member
}

resource "google_project_iam_custom_role" "pod_reader" {
  project     = var.project_id
  role_id     = "${replace(var.name, "-", "_")}_pod_reader"
  title       = "Tracegrid pod reader"
  description = "Read a cluster's DNS endpoint and one pod's status, for Tracegrid's GKE function."
  permissions = ["container.clusters.get", "container.clusters.connect", "container.pods.get"]
}

resource "google_project_iam_member" "runtime_pods" {
  project = var.project_id
  role    = google_project_iam_custom_role.pod_reader.id
  member  = google_service_account.runtime.member
}
