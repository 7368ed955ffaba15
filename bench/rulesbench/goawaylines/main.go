// Command goawaylines is the go-away side of the whole-process comparison
// (see ../whole): it reads one comment per line on stdin and prints, for
// each line, "1" when github.com/TwiN/go-away's IsProfane says it is
// profane and "0" otherwise. It does the least a program around IsProfane
// can do, so that the comparison measures go-away, not this program.
package main

import (
	"bufio"
	"fmt"
	"os"

	goaway "github.com/TwiN/go-away"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 64*1024), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	for in.Scan() {
		if goaway.IsProfane(in.Text()) {
			out.WriteString("1\n")
		} else {
			out.WriteString("0\n")
		}
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "goawaylines:", err)
		os.Exit(1)
	}
	if err := out.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "goawaylines:", err)
		os.Exit(1)
	}
}
