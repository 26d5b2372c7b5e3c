package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed console/*
var consoleFS embed.FS

// Prefix is the path the console is served under.
const Prefix = "/console/"

// ContentSecurityPolicy is sent with every file: scripts, styles and
// fetches from the page's own origin only, no inline script or style, no
// plugins, no framing.
const ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; " +
	"connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// contentTypes maps the extensions of the console's files to their types.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
}

// file is one embedded file, ready to serve.
type file struct {
	name  string
	data  []byte
	ctype string
	etag  string
}

// console serves the embedded files.
type console struct {
	files map[string]file // by name relative to console/
}

// Handler returns the handler of the console's files, to be mounted at
// Prefix: Prefix itself is index.html, Prefix+"app.js" is app.js, and
// anything else is 404. Only GET and HEAD are allowed.
func Handler() http.Handler {
	c := &console{files: map[string]file{}}
	entries, err := fs.ReadDir(consoleFS, "console")
	if err != nil {
		panic("web: embedded console missing: " + err.Error()) // a build defect
	}
	for _, e := range entries {
		name := e.Name()
		data, err := fs.ReadFile(consoleFS, "console/"+name)
		if err != nil {
			panic("web: reading embedded " + name + ": " + err.Error())
		}
		ctype, ok := contentTypes[path.Ext(name)]
		if !ok {
			continue // not served
		}
		sum := sha256.Sum256(data)
		c.files[name] = file{name: name, data: data, ctype: ctype,
			etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
	}
	return c
}

// ServeHTTP serves one file.
func (c *console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutPrefix(r.URL.Path, Prefix)
	if !ok {
		http.NotFound(w, r)
		return
	}
	if name == "" {
		name = "index.html"
	}
	f, ok := c.files[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.ctype)
	h.Set("Content-Security-Policy", ContentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-cache") // revalidate with the ETag every time
	h.Set("ETag", f.etag)
	http.ServeContent(w, r, f.name, time.Time{}, bytes.NewReader(f.data))
}
