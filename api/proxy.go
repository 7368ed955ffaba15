package api

import (
	"net"
	"strings"

	"github.com/gin-gonic/gin"
)

// proxies are server.trusted_proxies as networks: the same list gin is
// given for X-Forwarded-For (SetTrustedProxies), read the same way (an
// address alone is a /32 or a /128), so one setting decides which peers
// may speak for the client, about its address and about its scheme.
type proxies []*net.IPNet

// parseProxies reads the list; a bad entry is an error, and the caller
// trusts nobody (as it does gin).
func parseProxies(list []string) (proxies, error) {
	var out proxies
	for _, p := range list {
		if !strings.Contains(p, "/") {
			ip := net.ParseIP(p)
			if ip == nil {
				return nil, &net.ParseError{Type: "IP address", Text: p}
			}
			if ip.To4() != nil {
				p += "/32"
			} else {
				p += "/128"
			}
		}
		_, n, err := net.ParseCIDR(p)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

// trust reports whether the request's immediate peer (the socket's, never
// a header's) is one of the proxies.
func (ps proxies) trust(c *gin.Context) bool {
	ip := net.ParseIP(c.RemoteIP())
	if ip == nil {
		return false
	}
	for _, n := range ps {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}
