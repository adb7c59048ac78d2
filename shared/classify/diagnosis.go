// Package classify names the root cause of a container failure and gives the
// fix, with copy-paste commands rendered with the failure's real names.
package classify

// Cause is a stable cause id from the taxonomy in DESIGN.md. Tests, the CLI's
// JSON and Slack message metadata all use these strings.
type Cause string

// The cause taxonomy.
const (
	ImageNotFound         Cause = "image_not_found"
	RegistryAuth          Cause = "registry_auth"
	RegistryTokenExpired  Cause = "registry_token_expired"
	RegistryRateLimited   Cause = "registry_rate_limited"
	RegistryUnreachable   Cause = "registry_unreachable"
	InvalidImageReference Cause = "invalid_image_reference"
	ImagePlatformMismatch Cause = "image_platform_mismatch"
	ImageUnsupported      Cause = "image_unsupported"
	SecretUnavailable     Cause = "secret_unavailable"
	CommandNotFound       Cause = "command_not_found"
	ContainerConfigError  Cause = "container_config_error"
	LogConfigError        Cause = "log_config_error"
	VolumeMountFailed     Cause = "volume_mount_failed"
	DiskFull              Cause = "disk_full"
	OutOfMemory           Cause = "out_of_memory"
	AppCrash              Cause = "app_crash"
	HealthCheckFailed     Cause = "health_check_failed"
	InsufficientCapacity  Cause = "insufficient_capacity"
	QuotaExceeded         Cause = "quota_exceeded"
	NodeInterrupted       Cause = "node_interrupted"
	PlatformError         Cause = "platform_error"
	NotAFailure           Cause = "not_a_failure"
	Unknown               Cause = "unknown"
)

// Confidence says how sure the classifier is.
type Confidence string

// Confidence levels.
const (
	High   Confidence = "high"
	Medium Confidence = "medium"
	Low    Confidence = "low"
)

// Diagnosis is the classifier's verdict on one Failure.
type Diagnosis struct {
	Cause      Cause      `json:"cause"`
	Title      string     `json:"title"`
	Confidence Confidence `json:"confidence"`
	// Evidence is the exact text that decided the cause (the innermost
	// error once wrappers are unwrapped).
	Evidence string `json:"evidence,omitempty"`
	// RunnerUp is the second likeliest cause when the wording is ambiguous.
	RunnerUp Cause `json:"runner_up,omitempty"`
	// Fix holds short steps, in order.
	Fix []string `json:"fix,omitempty"`
	// Commands are copy-paste commands rendered with the failure's names.
	Commands []Command `json:"commands,omitempty"`
	// Check is the registry's answer about the image, when one was asked
	// for (shared/verify.Apply sets it).
	Check *Check `json:"check,omitempty"`
}

// Command is one copy-paste shell command and what it is for.
type Command struct {
	Purpose string `json:"purpose"`
	Line    string `json:"command"`
}
