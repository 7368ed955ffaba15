package rules

// Spelled-out words: "c o n n a r d", "C.O.N.N.A.R.D", read as one token.

// minJoin is the shortest run of single-character tokens that is read as
// one spelled-out word ("c o n n a r d"). Two would glue ordinary text
// ("a a", "y a") into false words.
const minJoin = 3

// maxJoinGap is the most separator characters allowed between two
// spelled-out letters.
const maxJoinGap = 3

// joinRun returns the end (exclusive) of the run of single-character
// tokens starting at raws[i], each separated from the next by at most
// maxJoinGap separator characters only.
//
// French elision stays outside the run: in "J'e m m e r d e" and
// "f e m m e s n'ont", the "j'" and "n'" belong to the next word, so
// the words read "emmerde" and "femmes".
func joinRun(units []unit, raws []rawTok, i int) int {
	j := spelledRun(units, raws, i)
	if j-i < minJoin {
		return j
	}
	if elision(units, raws, i) && !apostropheAfter(units, raws, i+1) {
		return i + 1 // alone; the run starts at the next letter
	}
	if j < len(raws) && elision(units, raws, j-1) && !apostropheAfter(units, raws, j-2) {
		j--
	}
	return j
}

// elision reports a one-letter word elided before an apostrophe
// (j' l' d' m' t' s' n' c').
func elision(units []unit, raws []rawTok, k int) bool {
	switch units[raws[k].a].r {
	case 'j', 'l', 'd', 'm', 't', 's', 'n', 'c':
		return apostropheAfter(units, raws, k)
	}
	return false
}

// apostropheAfter reports whether raws[k] is followed by exactly one
// apostrophe and then another token.
func apostropheAfter(units []unit, raws []rawTok, k int) bool {
	return k+1 < len(raws) && raws[k+1].a-raws[k].b == 1 && units[raws[k].b].r == '\''
}

// spelledRun returns the end of the run of single-character tokens
// starting at raws[i] (see joinRun).
func spelledRun(units []unit, raws []rawTok, i int) int {
	j := i
	for j < len(raws) && raws[j].b-raws[j].a == 1 {
		if j > i {
			gap := raws[j].a - raws[j-1].b
			if gap < 1 || gap > maxJoinGap {
				break
			}
			for _, u := range units[raws[j-1].b:raws[j].a] {
				if u.cls != clsSep || u.r == '\n' {
					return j
				}
			}
		}
		j++
	}
	return j
}
