// Package auth says who a caller is: the Principal an authenticated
// request carries (subject, role and scope) and how it travels on a
// context. It knows nothing of gRPC or HTTP; the API layer authenticates
// calls and puts the principal on their contexts, and domains may read it
// (for example to record who did what).
package auth
