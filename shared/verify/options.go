package verify

import (
	"errors"
	"net/http"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// DefaultTimeout bounds one check, all its requests together: a pull
// failure is posted a few seconds later at most.
const DefaultTimeout = 3 * time.Second

// Option configures a Registry checker. Options can fail, as
// go-containerregistry's do.
type Option func(*options) error

type options struct {
	auth      authn.Authenticator
	keychain  authn.Keychain
	timeout   time.Duration
	now       func() time.Time
	transport http.RoundTripper
	remote    []remote.Option
}

func makeOptions(opts ...Option) (*options, error) {
	o := &options{timeout: DefaultTimeout, now: time.Now, transport: remote.DefaultTransport}
	for _, opt := range opts {
		if err := opt(o); err != nil {
			return nil, err
		}
	}
	if o.auth != nil && o.keychain != nil {
		return nil, errors.New("verify: give either an authenticator or a keychain, not both")
	}
	return o, nil
}

// WithAuth checks with one authenticator for every registry.
func WithAuth(a authn.Authenticator) Option {
	return func(o *options) error {
		if a == nil {
			return errors.New("verify: nil authenticator")
		}
		o.auth = a
		return nil
	}
}

// WithKeychain picks the credentials per registry from a keychain (the
// CLI's authn.DefaultKeychain, or a function's own identity for its cloud's
// registries).
func WithKeychain(k authn.Keychain) Option {
	return func(o *options) error {
		if k == nil {
			return errors.New("verify: nil keychain")
		}
		o.keychain = k
		return nil
	}
}

// WithTimeout bounds one check (default DefaultTimeout).
func WithTimeout(d time.Duration) Option {
	return func(o *options) error {
		if d <= 0 {
			return errors.New("verify: timeout must be positive")
		}
		o.timeout = d
		return nil
	}
}

// WithClock sets the clock that stamps results.
func WithClock(now func() time.Time) Option {
	return func(o *options) error {
		o.now = now
		return nil
	}
}

// WithTransport sets the HTTP transport (tests, proxies).
func WithTransport(t http.RoundTripper) Option {
	return func(o *options) error {
		o.transport = t
		return nil
	}
}

// WithRemoteOptions passes options through to go-containerregistry's
// remote package, after the checker's own.
func WithRemoteOptions(opts ...remote.Option) Option {
	return func(o *options) error {
		o.remote = append(o.remote, opts...)
		return nil
	}
}
