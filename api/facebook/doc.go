// Package facebook is the self-contained part of Vigie's Facebook Page
// connector: it checks what Meta sends (the subscription handshake, the
// X-Hub-Signature-256 of a delivery), turns a delivery into a flat list of
// comment changes, and talks to the Graph API to act back on the page (hide,
// unhide, delete, read, page through posts and comments).
//
// It does no I/O of its own beyond the Graph API client, imports no web
// framework and keeps no state: the webhook handler, the inbox, the outbox
// worker and the configuration live with the server, which wires them.
//
// The facts it is built on are in specs/facebook.md. Package fakegraph is a
// fake Graph API server for the tests and for trying the connector by hand.
package facebook
