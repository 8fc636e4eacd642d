package adapter

import (
	"context"
	"time"
)

// commit writes what the request changed to the store and sets the cookie
// through setCookie. It runs once, before the response headers go out. It returns the
// request's store failure, if any, so that the response can become an error.
func (s *Session) commit(setCookie func(value string, expire bool)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil || !s.loaded && s.err == nil {
		return nil
	}
	if s.err != nil {
		return s.err
	}
	ctx := s.req.Context()
	if s.whole || len(s.changed) > 0 {
		if s.rec.Deadline.IsZero() {
			s.rec.Deadline = time.Now().Add(s.m.lifetime())
		}
		token, err := s.m.Engine.Save(ctx, s.rec, s.changedKeys())
		if err != nil {
			s.fail(err)
			return s.err
		}
		if err := s.retireOld(ctx); err != nil {
			return err
		}
		if token != s.token {
			setCookie(token, false)
		}
		return nil
	}
	if err := s.retireOld(ctx); err != nil {
		return err
	}
	if s.expire {
		setCookie("", true)
	}
	return nil
}

// retireOld deletes the stored sessions this request replaced or destroyed.
// A delete that fails is a failure of the request: a logout that did not
// happen must not look as if it had.
func (s *Session) retireOld(ctx context.Context) error {
	for _, id := range s.retire {
		if err := s.m.Engine.Delete(ctx, id); err != nil {
			s.fail(err)
			return s.err
		}
	}
	s.retire = nil
	return nil
}
