package classify

import (
	"strings"

	"github.com/distribution/reference"
)

// registryKind is the kind of registry an image reference points at.
type registryKind int

const (
	dockerHub registryKind = iota
	ecrRegistry
	acrRegistry
	garRegistry
	gcrRegistry
	// publicECR is ECR Public (public.ecr.aws), pulled anonymously.
	publicECR
	// publicOnly registries serve only public images (mcr.microsoft.com,
	// registry.k8s.io): no credential can be missing there.
	publicOnly
	// quayIO is quay.io, mostly pulled anonymously, which answers a
	// repository that does not exist as one the caller may not read.
	quayIO
	otherRegistry
)

// splitHost splits a reference into its registry host and the rest, without
// allocating. A first component counts as a host when it has a dot or a
// colon or is "localhost", as in the Docker reference grammar (explicit is
// then true); otherwise the host is Docker Hub.
func splitHost(ref string) (host, rest string, explicit bool) {
	ref = strings.TrimPrefix(strings.TrimPrefix(ref, "https://"), "http://")
	first, rest, _ := strings.Cut(ref, "/")
	if strings.ContainsAny(first, ".:") || first == "localhost" {
		return first, rest, true
	}
	return "docker.io", ref, false
}

// kindOf names the registry that host belongs to.
func kindOf(host string) registryKind {
	h := strings.ToLower(host)
	if i := strings.IndexByte(h, ':'); i >= 0 {
		h = h[:i]
	}
	switch {
	case h == "docker.io" || h == "index.docker.io" || h == "registry-1.docker.io":
		return dockerHub
	case strings.Contains(h, ".dkr.ecr.") && (strings.HasSuffix(h, ".amazonaws.com") || strings.HasSuffix(h, ".amazonaws.com.cn")):
		return ecrRegistry
	case strings.HasSuffix(h, ".azurecr.io"):
		return acrRegistry
	case strings.HasSuffix(h, "-docker.pkg.dev"):
		return garRegistry
	case h == "gcr.io" || strings.HasSuffix(h, ".gcr.io"):
		return gcrRegistry
	case h == "public.ecr.aws":
		return publicECR
	case h == "mcr.microsoft.com" || h == "registry.k8s.io":
		return publicOnly
	case h == "quay.io":
		return quayIO
	}
	return otherRegistry
}

// resolvePull decides ambiguous pull-denied wording from the registry the
// image lives in. Docker Hub answers "pull access denied" and
// "insufficient_scope" for repositories that do not exist, so there the
// likelier cause is a wrong name; a private registry (ECR, ACR, Artifact
// Registry, ...) more often means missing credentials. A reference that is
// only a registry host has no repository at all.
func resolvePull(ref, msg string) (Cause, Cause) {
	// A status code the registry sent decides: 404 is a missing repository
	// (ECR's "API error (404): pull access denied"), 401/403 refused
	// credentials.
	switch {
	case strings.Contains(msg, "(404)") || strings.Contains(msg, " 404 "):
		return ImageNotFound, RegistryAuth
	case strings.Contains(msg, "(401)") || strings.Contains(msg, "(403)") || strings.Contains(msg, " 401 ") || strings.Contains(msg, " 403 "):
		return RegistryAuth, ImageNotFound
	}
	if ref == "" {
		// A registry API URL names the host and proves a repository path.
		if host, _, _ := registryURL(msg); host != "" && !anonymous(kindOf(host)) {
			return RegistryAuth, ImageNotFound
		}
		return ImageNotFound, RegistryAuth
	}
	host, rest, explicit := splitHost(ref)
	if explicit && rest == "" {
		return ImageNotFound, RegistryAuth
	}
	if anonymous(kindOf(host)) {
		return ImageNotFound, RegistryAuth
	}
	return RegistryAuth, ImageNotFound
}

// anonymous reports whether a registry of kind k is mostly pulled without
// credentials, so that a refused pull more likely names an image that is
// not there.
func anonymous(k registryKind) bool {
	return k == dockerHub || k == publicECR || k == publicOnly || k == quayIO
}

// malformedRef reports whether ref, as a message quotes it, cannot be an
// image reference: an empty tag or digest (`repo:` from an unset variable),
// an empty path component, or a leading separator.
func malformedRef(ref string) bool {
	if ref == "" {
		return false
	}
	last := ref[len(ref)-1]
	return last == ':' || last == '@' || last == '/' || ref[0] == '/' || ref[0] == ':' ||
		strings.Contains(ref, "//") || strings.Contains(ref, "::")
}

// ImageInMessage returns the image reference an error or event message
// names (`Failed to pull image "REF"`, `pull access denied for REF`,
// `The image 'REF' in container group`, `Tag T not found in repository R`,
// ...), or "". Decoders use it to fill Failure.Image when the event has no
// image field.
func ImageInMessage(msg string) string {
	h := getHits()
	defer putHits(h)
	eng.ac.scan(msg, h)
	return imageNamed(msg, h)
}

// imageNamed is ImageInMessage on an already scanned message.
func imageNamed(msg string, h *hits) string {
	if ref := imageIn(msg, h); ref != "" {
		return ref
	}
	if h.has(eng.tagRepoID) {
		return tagNotFound(msg)
	}
	return ""
}

// imageIn extracts the image reference a message names, or "". The result
// is a substring of msg.
func imageIn(msg string, h *hits) string {
	for i, id := range eng.imageIDs {
		if !h.has(id) {
			continue
		}
		start := int(h.first[id]) + len(eng.ac.phrase[id])
		if ref := refAt(msg[start:], imageMarkers[i].end); ref != "" {
			return ref
		}
	}
	return ""
}

// refAt reads a reference from the start of s up to end (or, for end 0, up
// to a space, comma, quote or ": ", unless s opens with a quote, which then
// ends it).
func refAt(s string, end byte) string {
	// A JSON-escaped quote, escaped again by each log that quoted it:
	// `image \"REF\"`, or `image \\\"REF\\\"` in a kubelet's structured log.
	for end == 0 && len(s) > 1 && s[0] == '\\' && (s[1] == '\\' || s[1] == '"' || s[1] == '\'') {
		s = s[1:]
	}
	if end == 0 && s != "" && (s[0] == '"' || s[0] == '\'') {
		end, s = s[0], s[1:]
	}
	n := 0
	for n < len(s) {
		c := s[n]
		if end != 0 {
			if c == end {
				break
			}
		} else if c == ' ' || c == ',' || c == '"' || c == '\'' || c == '\n' || (c == ':' && (n+1 == len(s) || s[n+1] == ' ')) {
			break
		}
		n++
	}
	ref := strings.TrimRight(s[:n], ".;\\")
	if strings.ContainsAny(ref, " \t\n") || len(ref) > 512 {
		return ""
	}
	return ref
}

// registryURL reads the registry host, repository and tag (or digest) from
// a registry API URL in msg, such as
// https://123.dkr.ecr.us-east-1.amazonaws.com/v2/web/manifests/latest.
// The results are substrings of msg; host is "" when there is no such URL.
func registryURL(msg string) (host, repo, ref string) {
	const v2 = "/v2/"
	rest := msg
	for {
		i := strings.Index(rest, "https://")
		if i < 0 {
			return "", "", ""
		}
		rest = rest[i+len("https://"):]
		end := strings.IndexAny(rest, " \"'\n")
		if end < 0 {
			end = len(rest)
		}
		u := rest[:end]
		j := strings.Index(u, v2)
		if j <= 0 || strings.ContainsAny(u[:j], "/") {
			continue
		}
		host, path := u[:j], u[j+len(v2):]
		for _, kind := range []string{"/manifests/", "/tags/", "/blobs/"} {
			if k := strings.Index(path, kind); k >= 0 {
				repo = path[:k]
				if kind == "/manifests/" {
					ref = strings.TrimRight(path[k+len(kind):], ":.,")
				}
				break
			}
		}
		return host, repo, ref
	}
}

// imageFromURL builds an image reference from a registry API URL in msg,
// or returns "".
func imageFromURL(msg string) string {
	host, repo, ref := registryURL(msg)
	if host == "" || repo == "" {
		return ""
	}
	switch {
	case ref == "":
		return host + "/" + repo
	case strings.HasPrefix(ref, "sha256:"):
		return host + "/" + repo + "@" + ref
	}
	return host + "/" + repo + ":" + ref
}

// tagNotFound reads ECS's "Tag T not found in repository R" wording.
func tagNotFound(msg string) string {
	const tagWord, inRepo = "Tag ", " not found in repository "
	i := strings.Index(msg, inRepo)
	j := strings.LastIndex(msg[:max(i, 0)], tagWord)
	if i < 0 || j < 0 {
		return ""
	}
	tag := msg[j+len(tagWord) : i]
	repo := refAt(msg[i+len(inRepo):], 0)
	if tag == "" || repo == "" || strings.ContainsAny(tag, " :") {
		return ""
	}
	return repo + ":" + tag
}

// image is a parsed image reference for rendering commands.
type image struct {
	raw    string // as found
	valid  bool   // parsed with the distribution reference grammar
	full   string // normalized: docker.io/library/nginx:1.27
	domain string // registry host
	path   string // repository path within the registry
	tag    string
	digest string
	kind   registryKind
}

// parseImage parses ref with github.com/distribution/reference. An
// unparsable reference keeps raw and valid=false; a platform string or a
// redacted reference gives no image at all.
func parseImage(ref string) image {
	im := image{raw: ref}
	if ref == "" || isPlatform(ref) || redacted(ref) {
		// No image: a platform string, or a name hidden by redaction
		// ("REDACTED.dkr.ecr...", "XXXX"), which no command can use.
		return image{}
	}
	named, err := reference.ParseNormalizedNamed(strings.TrimPrefix(strings.TrimPrefix(ref, "https://"), "http://"))
	if err != nil {
		return im
	}
	im.valid = true
	im.domain = reference.Domain(named)
	im.path = reference.Path(named)
	if t, ok := named.(reference.Tagged); ok {
		im.tag = t.Tag()
	}
	if d, ok := named.(reference.Digested); ok {
		im.digest = d.Digest().String()
	}
	if im.tag == "" && im.digest == "" {
		named = reference.TagNameOnly(named)
		im.tag = named.(reference.Tagged).Tag()
	}
	im.full = named.String()
	im.kind = kindOf(im.domain)
	return im
}

// ecrRegion reads the region from an ECR host such as
// 123456789012.dkr.ecr.eu-west-1.amazonaws.com.
func ecrRegion(host string) string {
	_, after, ok := strings.Cut(host, ".dkr.ecr.")
	if !ok {
		return ""
	}
	region, _, _ := strings.Cut(after, ".")
	return region
}

// ecrAccount reads the account id from an ECR host.
func ecrAccount(host string) string {
	account, _, _ := strings.Cut(host, ".")
	return account
}

// acrName reads the registry name from an ACR host (myreg.azurecr.io).
func acrName(host string) string {
	name, _, _ := strings.Cut(host, ".")
	return name
}

// garLocation reads the location from an Artifact Registry host
// (europe-west1-docker.pkg.dev).
func garLocation(host string) string {
	return strings.TrimSuffix(host, "-docker.pkg.dev")
}

// isPlatform reports whether ref is an OS/architecture platform string
// ("linux/arm64/v8", "windows/amd64") rather than an image: messages such
// as "no matching manifest for linux/arm64/v8" name the platform where
// others name the image.
func isPlatform(ref string) bool {
	os, rest, ok := strings.Cut(ref, "/")
	if !ok {
		return false
	}
	switch os {
	case "linux", "windows", "darwin", "freebsd":
	default:
		return false
	}
	arch, _, _ := strings.Cut(rest, "/")
	switch arch {
	case "amd64", "arm64", "arm", "386", "ppc64le", "s390x", "riscv64", "mips64le":
		return true
	}
	return false
}
