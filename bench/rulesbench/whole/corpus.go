package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// corpusFolders are read in this order, their CSV files in name order.
var corpusFolders = []string{"dev", "train"}

// buildCorpus returns n comments, one per line: the text column of every
// row of the CSV files of dataDir/dev and dataDir/train (in that order,
// files by name, header rows skipped), cycled until there are n. Line
// breaks inside a text become spaces, so that a comment is one line. The
// same data gives the same corpus, byte for byte.
func buildCorpus(dataDir string, n int) ([]byte, int, error) {
	var texts []string
	for _, folder := range corpusFolders {
		files, err := filepath.Glob(filepath.Join(dataDir, folder, "*.csv"))
		if err != nil {
			return nil, 0, err
		}
		sort.Strings(files)
		for _, f := range files {
			t, err := readTexts(f)
			if err != nil {
				return nil, 0, err
			}
			texts = append(texts, t...)
		}
	}
	if len(texts) == 0 {
		return nil, 0, fmt.Errorf("no CSV rows under %s/{%s}", dataDir, strings.Join(corpusFolders, ","))
	}
	var b strings.Builder
	for i := range n {
		b.WriteString(texts[i%len(texts)])
		b.WriteByte('\n')
	}
	return []byte(b.String()), len(texts), nil
}

// oneLine replaces every line break (CR, LF, CRLF, and the Unicode line
// and paragraph separators, which some readers also split on) by a space.
var oneLine = strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ", "\u2028", " ", "\u2029", " ")

// readTexts reads the first column of every row after the header row.
func readTexts(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	var out []string
	for line := 0; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if line == 0 || len(rec) == 0 {
			continue // header
		}
		out = append(out, oneLine.Replace(rec[0]))
	}
}
