// Package verify asks a container registry about the image a pull failure
// names: does the repository exist, does the tag, which tags are nearest.
// The answer turns an ambiguous pull failure ("pull access denied ... may
// require authorization") into a named cause (Apply). It speaks the OCI
// distribution API through go-containerregistry; cloud registries that need
// a cloud SDK for their credentials get an authn.Keychain from their
// function, and ECR is checked through its own API there, behind the same
// Checker interface.
package verify

import (
	"context"
	"net/http"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// Checker checks one image reference. Implementations never return
// without a Result: a check that cannot be made says why in it.
type Checker interface {
	Check(ctx context.Context, image string) Result
}

// Registry checks images over the OCI distribution API.
type Registry struct {
	puller  *remote.Puller
	timeout time.Duration
	now     func() time.Time
}

// NewRegistry returns a Registry checker. Without WithAuth or WithKeychain
// it checks anonymously (the token flow public registries use).
func NewRegistry(opts ...Option) (*Registry, error) {
	o, err := makeOptions(opts...)
	if err != nil {
		return nil, err
	}
	ropts := []remote.Option{
		remote.WithTransport(headerRecorder{next: o.transport}),
		// One attempt: a 429 is never retried, and the deadline bounds the
		// rest.
		remote.WithRetryBackoff(remote.Backoff{Steps: 1}),
		remote.WithRetryStatusCodes(),
		remote.WithUserAgent("tracegrid-verify"),
	}
	switch {
	case o.auth != nil:
		ropts = append(ropts, remote.WithAuth(o.auth))
	case o.keychain != nil:
		ropts = append(ropts, remote.WithAuthFromKeychain(o.keychain))
	}
	p, err := remote.NewPuller(append(ropts, o.remote...)...)
	if err != nil {
		return nil, err
	}
	return &Registry{puller: p, timeout: o.timeout, now: o.now}, nil
}

// Check asks the registry about image within the checker's deadline: a
// HEAD of the manifest (which does not count as a pull on Docker Hub); on a
// 404, a GET for the registry's error code and the tags list, which alone
// decides between a missing tag and a missing repository.
func (c *Registry) Check(ctx context.Context, image string) Result {
	ref, err := name.ParseReference(image)
	if err != nil {
		return Result{Kind: Inconclusive, Reference: image, At: c.now(), Reason: "not a valid image reference", Err: err}
	}
	repo := ref.Context()
	r := Result{Reference: ref.Name(), Registry: repo.RegistryStr(), Repository: repo.RepositoryStr(), Tag: ref.Identifier()}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	h := &headers{}
	ctx = context.WithValue(ctx, headersKey{}, h)

	desc, err := c.puller.Head(ctx, ref)
	r.At = c.now()
	if err == nil {
		r.Kind, r.Digest, r.Status = TagExists, desc.Digest.String(), http.StatusOK
		r.RateLimit = h.rateLimit()
		return r
	}
	switch status(err) {
	case http.StatusNotFound:
	case http.StatusUnauthorized, http.StatusForbidden:
		// GET says why (DENIED, a firewall's "client with IP ... is not
		// allowed"); a 429 is not asked again.
		if _, gerr := c.puller.Get(ctx, ref); gerr != nil && code(gerr) != "" {
			err = gerr
		}
		return failed(r, err, h)
	default:
		return failed(r, err, h)
	}
	// HEAD errors carry no code: GET says MANIFEST_UNKNOWN or NAME_UNKNOWN
	// (registries differ, so the code is recorded, not trusted).
	if _, gerr := c.puller.Get(ctx, ref); gerr != nil {
		r.Status, r.Code = status(gerr), code(gerr)
	}
	tags, lerr := c.puller.List(ctx, repo)
	r.At = c.now()
	switch {
	case lerr == nil:
		r.Kind, r.Status = TagMissing, http.StatusNotFound
		r.Nearest = Nearest(r.Tag, tags, nil, 5)
	case status(lerr) == http.StatusNotFound:
		r.Kind, r.Status, r.Code = RepoMissing, http.StatusNotFound, code(lerr)
	default:
		// A 404 for the tag where the same credentials cannot list the
		// repository (registries that hide private repositories) proves
		// nothing.
		r = failed(r, lerr, h)
		if r.Kind == Denied {
			r.Kind = Inconclusive
			r.Reason = "the registry answered 404 for the tag but refused to list the repository's tags to the check's credentials, which is no proof either way"
		}
	}
	r.RateLimit = h.rateLimit()
	return r
}
