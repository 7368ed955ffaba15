// Package fakegraph is a fake of the parts of Meta's Graph API that Vigie's
// Facebook connector uses, built from specs/facebook.md, for the tests and
// for trying the connector by hand without Meta.
//
// # What it serves
//
//	GET    /{version}/{comment-id}?fields=id,message,from,created_time,is_hidden,parent
//	POST   /{version}/{comment-id}        is_hidden=true|false → {"success":true}
//	DELETE /{version}/{comment-id}        → {"success":true}
//	GET    /{version}/{page-id}/posts?since=&limit=&after=
//	GET    /{version}/{post-id}/comments?filter=toplevel|stream&order=&limit=&after=
//
// Any version in the path is accepted ("v21.0"). The page access token is
// read from "Authorization: Bearer|OAuth <token>" or the access_token
// parameter and checked per page: none gives code 104, an unknown one 190,
// another page's token 100/33, all with HTTP 400 like Meta. A deleted or
// unknown comment answers 100 subcode 33 to every call; a comment written by
// the Page cannot be hidden (code 100). Lists are paged with opaque cursors
// and an absolute paging.next that, like Meta's, carries the access_token.
//
// # Faults on demand
//
// Script queues answers for an operation, on one object or on any: for
// example two Throttle(1) then the real answer, ServerError() once,
// Timeout(d) past the client's timeout, NotFound(), InvalidToken(). A
// throttling answer carries X-Business-Use-Case-Usage with
// estimated_time_to_regain_access.
//
// # Looking inside
//
// Every call is recorded (operation, method, path, object, is_hidden value,
// status and code answered), so a test can assert that a comment was hidden
// exactly once; Comment returns a comment's state, hidden and deleted
// included. The same is served over HTTP for use by hand:
//
//	POST /_fake/pages     {"id":"111","name":"Page","token":"tok"}
//	POST /_fake/posts     {"id":"111_5","page_id":"111","message":"..."}
//	POST /_fake/comments  {"id":"5_9","post_id":"111_5","from":{"id":"7","name":"Ana"},"message":"..."}
//	GET  /_fake/comments/{id}
//	GET  /_fake/calls
//	POST /_fake/faults    {"op":"hide","object":"5_9","kind":"throttle","times":2,"regain_minutes":1}
//
// New starts a server on a loopback port (tests: defer s.Close()); Serve
// runs one on a given address until its context ends (vigie facebook
// fake-graph). A Server is safe for concurrent use.
package fakegraph
