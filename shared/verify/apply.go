package verify

import (
	"fmt"
	"strings"
	"time"

	"github.com/tracegrid/tracegrid/shared/classify"
	"github.com/tracegrid/tracegrid/shared/failure"
)

// WorkedWindow is how recent a successful pull or start must be for an
// auth failure on an existing tag to read as an expired token: registry
// tokens last hours (ECR 12 h, Google access tokens 1 h, ACR refresh
// tokens 3 h) and ECR records pulls at least once a day.
const WorkedWindow = 24 * time.Hour

// Needed reports whether a registry check can change d: a pull failure
// whose wording names a missing image or refused credentials.
func Needed(d classify.Diagnosis, f *failure.Failure) bool {
	if f.Image == "" || f.Recovered {
		return false
	}
	switch d.Cause {
	case classify.ImageNotFound, classify.RegistryAuth, classify.RegistryTokenExpired:
		return true
	}
	return false
}

// Apply restates d with the registry's answer r, after classification:
//
//   - tag missing or repository missing: image_not_found, high, with the
//     nearest tags;
//   - archived (ECR): image_not_found, high, with the restore command;
//   - tag exists: the pulling identity lacks access (registry_auth) or,
//     when the image pulled or started within WorkedWindow before the
//     failure, its token expired (registry_token_expired, high); where the
//     wording already leaned to an expired token without that history, it
//     stays so at the classifier's confidence; the identity that pulls is
//     named;
//   - the check could not be made: d unchanged, with the reason attached.
//
// A check never makes an answer worse: d is returned as it was (with
// the check attached) unless Needed(d, f) and the answer is conclusive.
func Apply(d classify.Diagnosis, f *failure.Failure, r Result) classify.Diagnosis {
	if r.Kind == NotChecked {
		return d
	}
	check := &classify.Check{Reference: r.Reference, At: r.At, Outcome: r.Kind.String(), Digest: r.Digest,
		NearestTags: r.Nearest, RateLimit: r.RateLimit}
	last := r.LastPulled
	if r.LastStarted.After(last) {
		last = r.LastStarted
	}
	if !last.IsZero() {
		check.LastWorked = &last
	}
	check.Summary = r.Summary()
	if !Needed(d, f) || !r.Kind.Conclusive() {
		d.Check = check
		return d
	}
	var out classify.Diagnosis
	switch r.Kind {
	case TagMissing, RepoMissing:
		out = classify.ForCause(classify.ImageNotFound, classify.High, f)
		if r.Kind == TagMissing && len(r.Nearest) > 0 {
			out.Fix = append([]string{fmt.Sprintf("Point %s at a tag that exists, such as `%s:%s` (nearest: %s).",
				workload(f), r.Repository, r.Nearest[0], strings.Join(r.Nearest, ", "))}, out.Fix...)
		}
		if r.Kind == RepoMissing {
			out.Fix = append([]string{fmt.Sprintf("The repository `%s` does not exist in %s: fix the repository name, or push the image there.", r.Repository, r.Registry)}, out.Fix...)
		}
	case Archived:
		out = classify.ForCause(classify.ImageNotFound, classify.High, f)
		out.Title = "Image is archived and cannot be pulled"
		out.Fix = []string{
			"The tag exists, but its image was moved to the ECR archive storage class (by hand or by a lifecycle rule); archived images cannot be pulled.",
			"Restore it to the standard storage class (command below), wait until its status is ACTIVE, then start the task again.",
			"Check the repository's lifecycle policy so that images still in use are not archived.",
		}
		out.Commands = append([]classify.Command{restoreCommand(f, r)}, out.Commands...)
	case TagExists:
		who := identity(f, r.Registry)
		worked := !last.IsZero() && !f.Time.IsZero() && f.Time.Sub(last) < WorkedWindow && !last.After(f.Time.Add(time.Minute))
		switch {
		case worked:
			out = classify.ForCause(classify.RegistryTokenExpired, classify.High, f)
			out.Fix = append([]string{fmt.Sprintf("The tag exists and the image last worked %s, so the name is right and %s held a token that has since expired.",
				ago(f.Time, last), who)}, out.Fix...)
		case d.Cause == classify.RegistryTokenExpired:
			// The wording leaned to an expired token; the check rules out a
			// wrong name but proves no expiry: the confidence stays.
			out = classify.ForCause(classify.RegistryTokenExpired, d.Confidence, f)
			out.RunnerUp = classify.RegistryAuth
			out.Fix = append([]string{fmt.Sprintf("The tag exists, so the name is right: %s holds an expired token or lacks access.", who)}, out.Fix...)
		default:
			conf := classify.High
			if who == unknownIdentity {
				conf = classify.Medium
			}
			out = classify.ForCause(classify.RegistryAuth, conf, f)
			out.Fix = append([]string{fmt.Sprintf("The tag exists, so the name is right: %s may not pull it (missing permission, wrong or missing credentials).", who)}, out.Fix...)
		}
	}
	out.Evidence = d.Evidence
	out.Check = check
	return out
}

const unknownIdentity = "the identity that pulls"

// identity names who pulls the image from registry on f's platform.
func identity(f *failure.Failure, registry string) string {
	switch f.Platform {
	case failure.ECS:
		if _, _, ecr := ECRRegistry(registry); !ecr {
			return "the task's repositoryCredentials (the Secrets Manager secret holding the registry login, read by the task execution role)"
		}
		if role := f.Details[classify.DetailExecutionRole]; role != "" {
			return "the task execution role `" + role + "`"
		}
		return "the task execution role"
	case failure.Kubernetes:
		return "the pod's imagePullSecrets or the node's service account"
	case failure.ACI:
		return "the container group's imageRegistryCredentials (or its managed identity)"
	}
	return unknownIdentity
}

func workload(f *failure.Failure) string {
	if r := f.Resource(); r != "" {
		return r
	}
	return "the workload"
}

// ago says when t was, relative to the failure at now.
func ago(now, t time.Time) string {
	d := strings.TrimSuffix(now.Sub(t).Round(time.Minute).String(), "0s")
	return fmt.Sprintf("%s before the failure (%s)", d, t.UTC().Format("2006-01-02 15:04 UTC"))
}

// restoreCommand is the ECR command that brings an archived image back.
func restoreCommand(f *failure.Failure, r Result) classify.Command {
	id := "imageTag=" + r.Tag
	if strings.Contains(r.Tag, ":") {
		id = "imageDigest=" + r.Tag
	}
	line := "aws ecr update-image-storage-class --repository-name " + r.Repository + " --image-id " + id + " --target-storage-class STANDARD"
	if acct, region, ok := ECRRegistry(r.Registry); ok {
		line += " --registry-id " + acct + " --region " + region
	}
	return classify.Command{Purpose: "Restore the archived image to the standard storage class", Line: line}
}

// ECRRegistry splits an ECR registry host, ACCOUNT.dkr.ecr.REGION.amazonaws.com
// (or .amazonaws.com.cn), into its account and region.
func ECRRegistry(host string) (account, region string, ok bool) {
	account, rest, found := strings.Cut(host, ".dkr.ecr.")
	if !found || account == "" || strings.Trim(account, "0123456789") != "" {
		return "", "", false
	}
	region, domain, found := strings.Cut(rest, ".")
	if !found || region == "" || (domain != "amazonaws.com" && domain != "amazonaws.com.cn") {
		return "", "", false
	}
	return account, region, true
}
