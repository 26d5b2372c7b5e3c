package web

import (
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
)

func serve(t *testing.T, h http.Handler, method, path string, header http.Header) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequestWithContext(t.Context(), method, path, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestHandler(t *testing.T) {
	h := Handler()
	tests := []struct {
		method, path string
		wantCode     int
		wantType     string
		wantBody     string // substring
	}{
		{"GET", "/console/", 200, "text/html; charset=utf-8", `<script src="app.js" defer></script>`},
		{"GET", "/console/api.js", 200, "text/javascript; charset=utf-8", "ROLE_HEADERS"},
		{"GET", "/console/index.html", 200, "text/html; charset=utf-8", "<!doctype html>"},
		{"GET", "/console/app.js", 200, "text/javascript; charset=utf-8", "IncidentWatch"},
		{"GET", "/console/style.css", 200, "text/css; charset=utf-8", ":root"},
		{"HEAD", "/console/app.js", 200, "text/javascript; charset=utf-8", ""},
		{"GET", "/console/nope.js", 404, "", ""},
		{"GET", "/console/console/app.js", 404, "", ""},
		{"GET", "/console/doc.go", 404, "", ""},
		{"POST", "/console/", 405, "", ""},
		{"GET", "/elsewhere/app.js", 404, "", ""},
	}
	for _, tt := range tests {
		rec := serve(t, h, tt.method, tt.path, nil)
		if rec.Code != tt.wantCode || !strings.Contains(rec.Body.String(), tt.wantBody) {
			t.Errorf("%s %s: got %d with %d bytes, want %d with %q", tt.method, tt.path, rec.Code,
				rec.Body.Len(), tt.wantCode, tt.wantBody)
		}
		if tt.wantCode != 200 {
			continue
		}
		want := map[string]string{
			"Content-Type":            tt.wantType,
			"Content-Security-Policy": ContentSecurityPolicy,
			"X-Content-Type-Options":  "nosniff",
			"Cache-Control":           "no-cache",
		}
		for k, v := range want {
			if got := rec.Header().Get(k); got != v {
				t.Errorf("%s %s: %s %q, want %q", tt.method, tt.path, k, got, v)
			}
		}
	}
}

func TestHandlerETag(t *testing.T) {
	h := Handler()
	first := serve(t, h, "GET", "/console/app.js", nil)
	etag := first.Header().Get("ETag")
	if !regexp.MustCompile(`^"[0-9a-f]{24}"$`).MatchString(etag) {
		t.Fatalf("ETag %q, want a quoted hash", etag)
	}
	again := serve(t, h, "GET", "/console/app.js", http.Header{"If-None-Match": {etag}})
	if again.Code != http.StatusNotModified || again.Body.Len() != 0 {
		t.Errorf("revalidation: got %d with %d bytes, want 304 and no body", again.Code, again.Body.Len())
	}
	other := serve(t, h, "GET", "/console/style.css", nil).Header().Get("ETag")
	if other == etag {
		t.Errorf("app.js and style.css share the ETag %s", etag)
	}
}

// TestPageObeysCSP checks that the page needs nothing the policy forbids:
// no inline script, handler or style, nothing from another origin.
func TestPageObeysCSP(t *testing.T) {
	for name, page := range consoleFiles(t, "") {
		for _, bad := range []*regexp.Regexp{
			regexp.MustCompile(`(?i)<script(\s[^>]*)?>[^<\s]`), // inline script
			regexp.MustCompile(`(?i)\son[a-z]+\s*=`),           // inline handlers
			regexp.MustCompile(`(?i)<style|\sstyle\s*=`),       // inline style
			regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}/`),
			regexp.MustCompile(`\b(eval|innerHTML|outerHTML|insertAdjacentHTML|document\.write)\b`),
		} {
			if m := bad.FindString(page); m != "" {
				t.Errorf("%s has %q (%s)", name, m, bad)
			}
		}
	}
}

// consoleFiles returns the console's files whose names end in ext, by
// name.
func consoleFiles(t *testing.T, ext string) map[string]string {
	t.Helper()
	entries, err := consoleFS.ReadDir("console")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ext) {
			continue
		}
		b, err := consoleFS.ReadFile("console/" + e.Name())
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = string(b)
	}
	if len(files) == 0 {
		t.Fatalf("no console file ends in %q", ext)
	}
	return files
}

// routePattern matches the routes of the scripts: "METHOD /v1/...".
var routePattern = regexp.MustCompile(`"(GET|POST|PATCH|DELETE) (/v1/[^"?]*)"`)

// rulePattern matches the bindings of gridwatch_http.yaml.
var rulePattern = regexp.MustCompile(`(?m)^\s*-?\s*(get|post|patch|delete):\s*(/v1/\S+)\s*$`)

// TestRoutesMatchGateway checks that every API path of the scripts is one
// the gateway serves: each matches a binding of the same method in the
// HTTP rules the gateway is generated from, and the scripts name no /v1/
// path outside ROUTES.
func TestRoutesMatchGateway(t *testing.T) {
	var js string
	for _, src := range consoleFiles(t, ".js") {
		js += src
	}
	yaml, err := os.ReadFile("../proto/gridwatch/v1/gridwatch_http.yaml")
	if err != nil {
		t.Fatal(err)
	}
	rules := map[string][]*regexp.Regexp{}
	for _, m := range rulePattern.FindAllStringSubmatch(string(yaml), -1) {
		rules[strings.ToUpper(m[1])] = append(rules[strings.ToUpper(m[1])], templateRegexp(t, m[2]))
	}
	if len(rules["GET"]) < 10 || len(rules["POST"]) < 10 {
		t.Fatalf("read %d GET and %d POST rules from gridwatch_http.yaml; the pattern is stale", len(rules["GET"]), len(rules["POST"]))
	}
	routes := routePattern.FindAllStringSubmatch(js, -1)
	if n := strings.Count(js, "/v1/"); n != len(routes) || n == 0 {
		t.Fatalf("the scripts name /v1/ %d times but have %d routes: every call must go through ROUTES", n, len(routes))
	}
	for _, r := range routes {
		method, path := r[1], strings.ReplaceAll(r[2], "{id}", "0123abcd")
		found := false
		for _, re := range rules[method] {
			found = found || re.MatchString(path)
		}
		if !found {
			t.Errorf("%s %s (as %s) matches no %s rule of gridwatch_http.yaml", method, r[2], path, method)
		}
	}
}

// templateRegexp turns a path template such as
// /v1/{name=incidents/*}:cancel into a regexp of the paths it matches.
func templateRegexp(t *testing.T, tmpl string) *regexp.Regexp {
	t.Helper()
	variable := regexp.MustCompile(`\{[a-z_.]+(=([^}]*))?\}`)
	var b strings.Builder
	last := 0
	for _, loc := range variable.FindAllStringSubmatchIndex(tmpl, -1) {
		b.WriteString(regexp.QuoteMeta(tmpl[last:loc[0]]))
		inner := "*"
		if loc[4] >= 0 {
			inner = tmpl[loc[4]:loc[5]]
		}
		for i, seg := range strings.Split(inner, "/") {
			if i > 0 {
				b.WriteString("/")
			}
			switch seg {
			case "*":
				b.WriteString(`[^/:]+`)
			case "**":
				b.WriteString(`.+`)
			default:
				b.WriteString(regexp.QuoteMeta(seg))
			}
		}
		last = loc[1]
	}
	b.WriteString(regexp.QuoteMeta(tmpl[last:]))
	re, err := regexp.Compile("^" + b.String() + "$")
	if err != nil {
		t.Fatalf("template %s: %v", tmpl, err)
	}
	return re
}

// TestConsoleCredentials checks how the scripts hold the access token: in
// sessionStorage, sent only as the Authorization header, never in
// localStorage, a cookie or a URL; the role header is the fallback.
func TestConsoleCredentials(t *testing.T) {
	files := consoleFiles(t, ".js")
	var js string
	for _, src := range files {
		js += src
	}
	for _, want := range []string{"sessionStorage.getItem(TOKEN_KEY)", `Authorization: "Bearer " + t`, "ROLE_HEADERS"} {
		if !strings.Contains(files["api.js"], want) {
			t.Errorf("api.js lacks %q", want)
		}
	}
	for _, bad := range []string{"localStorage", "document.cookie", "token=", "access_token"} {
		if strings.Contains(js, bad) {
			t.Errorf("the scripts mention %q", bad)
		}
	}
	if n := strings.Count(js, "getToken()"); n != 3 { // its definition, authHeaders and the page's token state
		t.Errorf("getToken() is called %d times, want 3: the token goes nowhere but the header", n)
	}
}
