package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"vigie/moderation"
)

type usersView struct {
	Users []moderation.User
	Roles []string
}

var roleChoices = []string{"viewer", "moderator", "admin"}

// GET /moderation/admin/users
func (s *Server) uiUsers(c *gin.Context) error {
	us, err := s.accounts.Users(c.Request.Context())
	if err != nil {
		return err
	}
	s.render(c, http.StatusOK, "users", "users", usersView{Users: us, Roles: roleChoices})
	return nil
}

// POST /moderation/admin/users: a new account.
func (s *Server) uiAddUser(c *gin.Context) error {
	role, err := moderation.ParseRole(c.PostForm("role"))
	if err != nil {
		return err
	}
	if _, err := s.accounts.AddUser(c.Request.Context(), c.PostForm("name"), role, c.PostForm("password")); err != nil {
		return err
	}
	return s.usersDone(c, "user_added")
}

// POST /moderation/admin/users/{name}/role
func (s *Server) uiSetRole(c *gin.Context) error {
	role, err := moderation.ParseRole(c.PostForm("role"))
	if err != nil {
		return err
	}
	if err := s.notSelf(c, "role"); err != nil {
		return err
	}
	if err := s.accounts.SetRole(c.Request.Context(), c.Param("name"), role); err != nil {
		return err
	}
	return s.usersDone(c, "user_saved")
}

// POST /moderation/admin/users/{name}/disable and …/enable
func (s *Server) uiSetDisabled(disabled bool) func(*gin.Context) error {
	return func(c *gin.Context) error {
		if err := s.notSelf(c, "name"); err != nil {
			return err
		}
		if _, err := s.accounts.SetDisabled(c.Request.Context(), c.Param("name"), disabled); err != nil {
			return err
		}
		return s.usersDone(c, "user_saved")
	}
}

// POST /moderation/admin/users/{name}/password
func (s *Server) uiSetPassword(c *gin.Context) error {
	if err := s.accounts.SetPassword(c.Request.Context(), c.Param("name"), c.PostForm("password")); err != nil {
		return err
	}
	if c.Param("name") == currentUser(c).Name { // one's own sessions ended too
		c.Redirect(http.StatusSeeOther, "/moderation/login?msg=password_changed")
		return nil
	}
	return s.usersDone(c, "user_saved")
}

// notSelf keeps an admin from demoting or disabling themselves, which
// could leave nobody able to manage accounts.
func (s *Server) notSelf(c *gin.Context, field string) error {
	if c.Param("name") == currentUser(c).Name {
		return moderation.Errorf(moderation.ErrInvalid, field, "you cannot change your own role or disable yourself; ask another admin")
	}
	return nil
}

func (s *Server) usersDone(c *gin.Context, msg string) error {
	c.Redirect(http.StatusSeeOther, "/moderation/admin/users?msg="+msg)
	return nil
}
