package reportstest

import (
	"context"
	"fmt"

	"vigie/moderation"
)

// Persist writes a generated history through a real store (storage.DB on
// SQLite or PostgreSQL), comment by comment, so tests of the reports and the
// public page read the log the way the server does. The store seals the
// events anew; their times, actors, routes and categories are kept. Each
// comment gets a text and an author that must never reach a report.
func Persist(ctx context.Context, store moderation.Store, evs []moderation.Event) error {
	ids := map[int64]int64{} // generated comment id → stored id
	for _, e := range evs {
		e.Seq, e.PrevHash, e.Hash = 0, "", ""
		if e.From == 0 {
			gen := e.CommentID
			salt := []byte(fmt.Sprintf("salt-%d", gen))
			c := moderation.Comment{
				Source: e.Source, ExternalID: fmt.Sprintf("gen-%d", gen), Language: e.Language,
				Text:   fmt.Sprintf("Texte privé numéro %d <b>ne doit jamais paraître</b>", gen),
				Author: moderation.Author{ID: fmt.Sprintf("author-%d", gen), Name: fmt.Sprintf("Auteur Secret %d", gen)},
				Status: e.To, Category: e.Category, CreatedAt: e.At, ReceivedAt: e.At, UpdatedAt: e.At, Salt: salt,
			}
			e.CommentID = 0
			e.Text = c.Text
			e.TextDigest = moderation.Digest(salt, c.Text)
			e.AuthorDigest = moderation.Digest(salt, c.Author.ID, c.Author.Name)
			if _, err := store.Intake(ctx, &c, &e, moderation.Effects{}); err != nil {
				return fmt.Errorf("persist comment %d: %w", gen, err)
			}
			ids[gen] = c.ID
			continue
		}
		id, ok := ids[e.CommentID]
		if !ok {
			return fmt.Errorf("persist: event for comment %d before its receipt", e.CommentID)
		}
		e.CommentID = id
		if err := store.Transition(ctx, &e, nil, moderation.Effects{}); err != nil {
			return fmt.Errorf("persist transition of comment %d: %w", id, err)
		}
	}
	return nil
}
