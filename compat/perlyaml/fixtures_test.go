package perlyaml

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestFixtures decodes every YAML file Perl wrote to the value in its .json,
// and writes the decoded value back to the very same bytes.
func TestFixtures(t *testing.T) {
	files := append(fixtures(t, "yaml/*/*.yml"), fixtures(t, "dancer2/*.yml")...)
	for _, file := range files {
		t.Run(filepath.Base(filepath.Dir(file))+"/"+filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Unmarshal(data)
			if err != nil {
				t.Fatalf("Unmarshal: %v", err)
			}
			if d := diff(got, fixtureValue(t, file)); d != "" {
				t.Fatalf("Unmarshal: %s", d)
			}
			back, err := Marshal(got)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			if !bytes.Equal(back, data) {
				t.Fatalf("Marshal(Unmarshal(file)) differs from the file:\n%s\nwant\n%s", back, data)
			}
		})
	}
}
