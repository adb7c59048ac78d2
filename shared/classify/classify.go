package classify

import (
	mathbits "math/bits"
	"strconv"
	"strings"

	"github.com/tracegrid/tracegrid/shared/failure"
)

// Classify names the root cause of f and renders its fix, with commands that
// carry f's real names. It reads every message (most specific first), the
// platform reason code, the container's last log lines and the exit code.
func Classify(f *failure.Failure) Diagnosis {
	exit, hasExit := f.Exit()
	v := decide(f.Platform, f.Reason, f.Messages, f.LogTail, exit, hasExit, f.Image, true)
	d := v.diagnosis(f.Platform)
	if v.exitField {
		d.Evidence = "exit code " + strconv.Itoa(exit)
	}
	img := f.Image
	if img == "" {
		img = v.image
	}
	for _, m := range f.Messages {
		if img != "" {
			break
		}
		img = imageFromURL(m)
	}
	d.Commands = commands(v.cause, f, parseImage(img))
	return d
}

// Text classifies one raw message, as the CLI's classify command does. It
// decides only (no command rendering) and does not allocate. The platform is
// part of the CLI's input contract; the rules match wording families that
// recur across platforms (a Docker daemon error reads the same under ECS on
// EC2 as on a Kubernetes node); the platform tells who holds registry
// credentials (see expiringToken) and picks the fix steps. Fix is shared
// between calls: callers must not modify it.
func Text(p failure.Platform, message string) Diagnosis {
	msgs := [1]string{message}
	return decide(p, "", msgs[:], nil, 0, false, "", false).diagnosis(p)
}

// verdict is a decision before rendering.
type verdict struct {
	cause    Cause
	conf     Confidence
	runnerUp Cause
	evidence string
	image    string // image reference named by the deciding message
	rule     string // the rule family that decided, "" for reason or exit code
	// exitField: decided by the Failure's exit code, which no message states.
	exitField bool
}

// diagnosis renders v with the fix steps for platform p.
func (v verdict) diagnosis(p failure.Platform) Diagnosis {
	title, fix := causes[v.cause].title, fixFor(v.cause, p)
	if v.cause == Unknown && v.rule != "" {
		// A rule or the model judged the wording an error of a tool or
		// caller; unknown without a rule is wording nothing recognised.
		title, fix = callerError.title, callerError.fix
	}
	return Diagnosis{
		Cause:      v.cause,
		Title:      title,
		Confidence: v.conf,
		Evidence:   v.evidence,
		RunnerUp:   v.runnerUp,
		Fix:        fix,
	}
}

// decide picks the cause. Order: a decisive platform reason code (with the
// message that names the same cause as evidence, when there is one); the
// strongest rule over all messages (a higher tier wins, an earlier message
// wins a tie, and within a message the innermost clause); a rule for wording
// containers write themselves, on the newest log line it holds for (so a log
// line can neither silence a failure nor pass for a platform error); the
// exit code; a symptom rule (a wrapper such as CrashLoopBackOff); a weak
// reason code; not_a_failure (low) when neither the messages nor the reason
// use any failure wording (failureWords) and they are not a bare code; the
// fallback model; otherwise unknown with the raw message as evidence.
//
// render asks for the image the messages name (for commands); the CLI's
// Text path skips that work.
func decide(p failure.Platform, reason string, msgs, logs []string, exit int, hasExit bool, configured string, render bool) verdict {
	rc, rcFound := reasonCode(reason)
	if reason == "" && len(msgs) == 1 && len(msgs[0]) <= maxBareCode {
		if code := strings.TrimSpace(msgs[0]); !strings.ContainsAny(code, " :") {
			// A bare code where a message should be: ECS reports a
			// placement failure's reason as just "AGENT" or "MISSING".
			rc, rcFound = reasonCode(code)
		}
	}
	var strong, weak pick
	textExit, hasTextExit := 0, false
	said := false // some message has text
	image := configured
	for _, m := range msgs {
		h := getHits()
		eng.ac.scan(m, h)
		if image == "" && render {
			image = imageNamed(m, h)
		}
		if !hasTextExit {
			textExit, hasTextExit = exitIn(m, h)
		}
		said = said || strings.TrimSpace(m) != ""
		s, w := bestRules(m, h, false, configured)
		if s.ok && s.cause == RegistryAuth && (s.tier == generic || s.rule == "pull-access-denied") && expiringToken(p, m, h, configured) {
			s.cause, s.conf, s.runnerUp = RegistryTokenExpired, Medium, RegistryAuth
		}
		putHits(h)
		if s.ok && (!strong.ok || s.tier > strong.tier) {
			strong = s
		}
		if w.ok && !weak.ok {
			weak = w
		}
	}
	// Log lines, newest first: the newest line a strong rule holds for decides.
	for k := len(logs) - 1; k >= 0 && !strong.ok; k-- {
		h := getHits()
		eng.ac.scan(logs[k], h)
		strong, _ = bestRules(logs[k], h, true, configured)
		putHits(h)
	}
	if rcFound && !rc.weak {
		// A decisive reason code; a message that names the same cause is
		// the better evidence.
		if strong.ok && strong.cause == rc.cause {
			strong.conf, strong.image = rc.conf, image
			return strong.verdict
		}
		return verdict{cause: rc.cause, conf: rc.conf, evidence: reason, image: image}
	}
	if strong.ok {
		strong.image = image
		return strong.verdict
	}
	if hasExit || hasTextExit {
		if !hasExit {
			exit = textExit
		}
		v := byExit(exit, msgs)
		v.image, v.exitField = image, hasExit
		return v
	}
	if weak.ok {
		weak.image = image
		return weak.verdict
	}
	if rcFound {
		return verdict{cause: rc.cause, conf: rc.conf, evidence: reason, image: image}
	}
	if said && !bareCode(msgs) && !failureWorded(reason, msgs) {
		// No rule knows the message and it names nothing that went wrong.
		return verdict{cause: NotAFailure, conf: Low, runnerUp: Unknown, evidence: strings.TrimSpace(msgs[0]), image: image, rule: quietRule}
	}
	for _, m := range msgs {
		if c, second, ok := fallback.predict(m); ok {
			return verdict{cause: c, conf: Low, runnerUp: second, evidence: strings.TrimSpace(m), image: image, rule: modelRule}
		}
	}
	v := verdict{cause: Unknown, conf: Low, image: image}
	if len(msgs) > 0 {
		v.evidence = strings.TrimSpace(msgs[0])
	}
	if v.evidence == "" {
		v.evidence = reason
	}
	return v
}

// expiringToken reports whether a refused pull in m most likely means a
// lapsed token: the puller is not ECS, whose agent refreshes tokens from
// the execution role, so the token was stored in a pull secret or a Docker
// config, and the registry hands out short-lived ones. A 401 counts on ECR
// (12 h), Artifact Registry and GCR (about 1 h); Docker's "does not exist
// or no pull access" only from a kubelet pulling from ECR, which answers
// it to the stale token a pull secret or the kubelet's cache holds. ECR
// Public answers 403 to a stale login (anonymous pulls need no token).
func expiringToken(p failure.Platform, m string, h *hits, configured string) bool {
	// ECS refreshes its tokens; a puller that says it pulled anonymously
	// sent no token at all.
	if p == failure.ECS || strings.Contains(m, "anonymous pulling failed") {
		return false
	}
	// GCR's "You don't have the needed permissions ..., and you may have
	// invalid credentials" names the permission first: the account lacks
	// it whether or not its token is fresh.
	if strings.Contains(m, "needed permissions") {
		return false
	}
	ref := configured
	if ref == "" {
		ref = imageIn(m, h)
	}
	host := ""
	if ref != "" {
		host, _, _ = splitHost(ref)
	} else {
		host, _, _ = registryURL(m)
	}
	kind := kindOf(host)
	switch {
	case kind == publicECR:
		// ECR Public answers 403 to the stale token a Docker or Helm
		// login left behind (anonymous pulls need none).
		return anyHit(h, eng.unauthorizedIDs) || strings.Contains(m, "403 Forbidden")
	case anyHit(h, eng.unauthorizedIDs):
		return kind == ecrRegistry || kind == garRegistry || kind == gcrRegistry
	case anyHit(h, eng.pullDeniedIDs):
		return kind == ecrRegistry && p == failure.Kubernetes
	}
	return false
}

// negated reports whether m opens with a negation ("no supported platform
// found", "not enough ..."), which failureWords, matched with a space
// before, cannot see.
func negated(m string) bool {
	m = strings.TrimLeft(m, " \t\"'")
	return len(m) > 3 && m[0]|0x20 == 'n' && m[1]|0x20 == 'o' && (m[2] == ' ' || m[2]|0x20 == 't' && m[3] == ' ')
}

// bareCode reports whether msgs is one upper-case code ("ATTRIBUTE",
// "MISSING"): a reason code no table knows says nothing either way.
func bareCode(msgs []string) bool {
	if len(msgs) != 1 {
		return false
	}
	code := strings.TrimSpace(msgs[0])
	for i := 0; i < len(code); i++ {
		if c := code[i]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == ':') {
			return false
		}
	}
	return code != ""
}

// quietRule names the decision that a message without failure wording
// (failureWords) is an ordinary event.
const quietRule = "no-failure-wording"

// failureWorded reports whether the reason or any message uses failure
// wording (failureWords, or an opening negation).
func failureWorded(reason string, msgs []string) bool {
	if eng.failure.found(reason) {
		return true
	}
	for _, m := range msgs {
		if eng.failure.found(m) || negated(m) {
			return true
		}
	}
	return false
}

// anyHit reports whether any of ids occurred.
func anyHit(h *hits, ids []kwID) bool {
	for _, id := range ids {
		if h.has(id) {
			return true
		}
	}
	return false
}

// pick is the rule chosen for a message, if any.
type pick struct {
	verdict
	tier tier
	ok   bool
}

// bestRules returns the strongest non-symptom rule that holds for m and the
// strongest symptom rule: the highest tier, then the naming phrase deepest in
// the message, then table order. Only rules whose first group has a phrase
// in m are tried. On a log line only the families containers write
// themselves are tried, and no symptom rule.
func bestRules(m string, h *hits, logLine bool, configured string) (strong, weak pick) {
	strongPos, weakPos := -1, -1
	cands := h.candidates()
	for w, bits := range cands {
		for bits != 0 {
			r := &rules[w*64+mathbits.TrailingZeros64(bits)]
			bits &= bits - 1
			if logLine && !r.log {
				continue
			}
			best, bestPos := &strong, &strongPos
			if r.tier == symptom {
				best, bestPos = &weak, &weakPos
			}
			if best.ok && r.tier < best.tier {
				continue
			}
			pos, from, ok := r.matches(m, h)
			if !ok || best.ok && r.tier == best.tier && pos <= *bestPos {
				continue
			}
			v := verdict{cause: r.cause, conf: r.conf, runnerUp: r.runnerUp, evidence: evidenceAt(m, from, h), rule: r.name}
			if r.pull {
				ref := configured
				if ref == "" {
					ref = imageIn(m, h)
				}
				v.cause, v.runnerUp = resolvePull(ref, m)
			}
			if v.cause == ImageNotFound && malformedRef(imageIn(m, h)) {
				// "Image 'repo:' not found": the reference itself is broken.
				v.cause, v.conf, v.runnerUp = InvalidImageReference, High, ImageNotFound
			}
			*best, *bestPos = pick{verdict: v, tier: r.tier, ok: true}, pos
		}
	}
	return strong, weak
}

// evidenceAt returns the innermost error text around pos: from the end of
// the last wrapper that precedes pos to the end of the message.
func evidenceAt(msg string, pos int, h *hits) string {
	start := 0
	for _, w := range h.wraps[:h.nwraps] {
		end := int(w.end)
		if eng.wrapKind[w.id] {
			i := strings.Index(msg[end:], ": ")
			if i < 0 {
				continue
			}
			end += i + 2
		}
		if end <= pos && end > start {
			start = end
		}
	}
	return strings.TrimRight(strings.TrimSpace(msg[start:]), "\"}]")
}

// exitIn reads an exit code written in the text ("Exit Code: 137").
func exitIn(msg string, h *hits) (int, bool) {
	for _, id := range eng.exitIDs {
		if !h.has(id) {
			continue
		}
		i := int(h.first[id]) + len(eng.ac.phrase[id])
		for i < len(msg) && (msg[i] == ' ' || msg[i] == '\t' || msg[i] == ':') {
			i++
		}
		n, digits := 0, 0
		for i < len(msg) && msg[i] >= '0' && msg[i] <= '9' && digits < 4 {
			n = n*10 + int(msg[i]-'0')
			i++
			digits++
		}
		if digits > 0 {
			return n, true
		}
	}
	return 0, false
}

// byExit decides from an exit code when no wording did.
func byExit(code int, msgs []string) verdict {
	ev := ""
	if len(msgs) > 0 {
		ev = strings.TrimSpace(msgs[0])
	}
	switch code {
	case 137:
		// SIGKILL: the kernel OOM killer or the orchestrator after failed probes.
		return verdict{cause: OutOfMemory, conf: Medium, runnerUp: HealthCheckFailed, evidence: ev}
	case 126, 127:
		// The shell's "not executable" and "command not found".
		return verdict{cause: CommandNotFound, conf: Medium, runnerUp: AppCrash, evidence: ev}
	case 132:
		// SIGILL: most often a CPU without an instruction (AVX) the
		// image was built for.
		return verdict{cause: ImagePlatformMismatch, conf: Medium, runnerUp: AppCrash, evidence: ev}
	case 139:
		return verdict{cause: AppCrash, conf: High, evidence: ev}
	case 130, 143:
		// SIGINT or SIGTERM handled: a stop that was asked for (Ctrl-C,
		// docker stop, a rollout, a scale-in) ended in a clean shutdown.
		return verdict{cause: NotAFailure, conf: Medium, runnerUp: AppCrash, evidence: ev}
	case 0:
		return verdict{cause: AppCrash, conf: Low, runnerUp: NotAFailure, evidence: ev}
	}
	return verdict{cause: AppCrash, conf: Medium, evidence: ev}
}

// maxBareCode bounds the length of a message read as a bare reason code.
const maxBareCode = 40

// reasonRule is what a platform reason code says by itself.
type reasonRule struct {
	cause Cause
	conf  Confidence
	weak  bool // only when the messages decide nothing
}

// reasonCodes maps reason codes (ECS stopCode or container reason prefix,
// Kubernetes event reason, ARM error code) to causes.
var reasonCodes = []struct {
	code string
	reasonRule
}{
	// ECS stopCode values.
	{"SpotInterruption", reasonRule{NodeInterrupted, High, false}},
	{"TerminationNotice", reasonRule{NodeInterrupted, High, false}},
	{"UserInitiated", reasonRule{NotAFailure, High, false}},
	{"ServiceSchedulerInitiated", reasonRule{NotAFailure, Medium, true}},
	{"EssentialContainerExited", reasonRule{AppCrash, Medium, true}},
	{"OutOfMemoryError", reasonRule{OutOfMemory, High, false}},
	// ECS RunTask/StartTask failure reasons.
	{"AGENT", reasonRule{PlatformError, Medium, false}},
	{"INACTIVE", reasonRule{ContainerConfigError, Medium, false}},
	// Kubernetes event and condition reasons.
	{"OOMKilling", reasonRule{OutOfMemory, High, false}},
	{"OOMKilled", reasonRule{OutOfMemory, High, false}},
	{"NodeNotReady", reasonRule{NodeInterrupted, High, false}},
	{"NodeShutdown", reasonRule{NodeInterrupted, High, false}},
	{"Preempting", reasonRule{NodeInterrupted, High, false}},
	{"Rebooted", reasonRule{NodeInterrupted, High, false}},
	{"TerminatingEvictedPod", reasonRule{NodeInterrupted, Medium, true}},
	{"Pulled", reasonRule{NotAFailure, High, false}},
	{"Pulling", reasonRule{NotAFailure, High, false}},
	{"Created", reasonRule{NotAFailure, High, false}},
	{"Started", reasonRule{NotAFailure, High, false}},
	{"Scheduled", reasonRule{NotAFailure, High, false}},
	{"SuccessfulCreate", reasonRule{NotAFailure, High, false}},
	{"SuccessfulDelete", reasonRule{NotAFailure, High, false}},
	{"ScalingReplicaSet", reasonRule{NotAFailure, High, false}},
	{"Killing", reasonRule{NotAFailure, Medium, true}},
	{"BackOff", reasonRule{AppCrash, Low, true}},
	{"CrashLoopBackOff", reasonRule{AppCrash, Medium, true}},
	{"ErrImagePull", reasonRule{ImageNotFound, Low, true}},
	{"ImagePullBackOff", reasonRule{ImageNotFound, Low, true}},
	{"InvalidImageName", reasonRule{InvalidImageReference, High, false}},
	{"CreateContainerConfigError", reasonRule{SecretUnavailable, Medium, true}},
	{"RunContainerError", reasonRule{ContainerConfigError, Low, true}},
	{"FailedScheduling", reasonRule{InsufficientCapacity, Low, true}},
	{"Unschedulable", reasonRule{InsufficientCapacity, Low, true}},
	{"Unhealthy", reasonRule{HealthCheckFailed, High, true}},
	{"FailedMount", reasonRule{VolumeMountFailed, Medium, true}},
	{"FailedAttachVolume", reasonRule{VolumeMountFailed, Medium, true}},
	{"FailedCreatePodSandBox", reasonRule{PlatformError, Medium, true}},
	{"Evicted", reasonRule{NodeInterrupted, Low, true}},
	// ARM error codes (ACI).
	{"InaccessibleImage", reasonRule{ImageNotFound, Low, true}},
	{"MissingSubscriptionRegistration", reasonRule{PlatformError, High, false}},
	{"ServiceUnavailable", reasonRule{InsufficientCapacity, Low, true}},
	{"ContainerGroupQuotaReached", reasonRule{QuotaExceeded, High, false}},
	{"QuotaExceeded", reasonRule{QuotaExceeded, High, false}},
	{"InsufficientCapacity", reasonRule{InsufficientCapacity, High, false}},
	// az acr check-health's codes, as its error reference explains them
	// (learn.microsoft.com/azure/container-registry/container-registry-health-error-reference):
	// the registry's name does not resolve; its challenge endpoint answers
	// 403 (network rules or the public endpoint turned off); the local
	// Docker daemon is not reachable.
	{"CONNECTIVITY_DNS_ERROR", reasonRule{RegistryUnreachable, Medium, false}},
	{"CONNECTIVITY_FORBIDDEN_ERROR", reasonRule{RegistryUnreachable, Medium, false}},
	{"DOCKER_DAEMON_ERROR", reasonRule{PlatformError, Medium, false}},
}

// reasonCode looks up a reason code, ignoring case and any ": detail" tail.
func reasonCode(reason string) (reasonRule, bool) {
	if reason == "" {
		return reasonRule{}, false
	}
	code, _, _ := strings.Cut(reason, ":")
	code = strings.TrimSpace(code)
	for _, r := range reasonCodes {
		if strings.EqualFold(code, r.code) {
			return r.reasonRule, true
		}
	}
	return reasonRule{}, false
}
