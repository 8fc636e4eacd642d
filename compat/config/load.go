package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"gopkg.in/yaml.v3"
)

// Environment returns the environment Dancer would run in: DANCER_ENVIRONMENT,
// else PLACK_ENV, else "development".
func Environment() string {
	for _, k := range []string{"DANCER_ENVIRONMENT", "PLACK_ENV"} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	return "development"
}

// Load reads the config.yml at path and, when it exists, the overlay
// environments/<env>.yml beside it, merged over it as Dancer merges them
// (nested hashes key by key, everything else replaced). An empty env means
// Environment().
func Load(path, env string) (*Settings, error) {
	if env == "" {
		env = Environment()
	}
	raw, err := readYAML(path)
	if err != nil {
		return nil, err
	}
	appDir := filepath.Dir(path)
	envDir := filepath.Join(appDir, "environments")
	if d, ok := raw["envdir"].(string); ok && d != "" {
		envDir = d
		if !filepath.IsAbs(envDir) {
			envDir = filepath.Join(appDir, envDir)
		}
	}
	overlay, err := readYAML(filepath.Join(envDir, env+".yml"))
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, err
	default:
		raw = merge(raw, overlay)
	}
	s, err := FromMap(raw, appDir)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	s.Environment = env
	return s, nil
}

func readYAML(path string) (map[string]any, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	raw := map[string]any{}
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("config: %s: %w", path, err)
	}
	return raw, nil
}

// merge returns over merged onto base, as Hash::Merge::Simple does.
func merge(base, over map[string]any) map[string]any {
	out := make(map[string]any, len(base)+len(over))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range over {
		bm, bok := out[k].(map[string]any)
		om, ook := v.(map[string]any)
		if bok && ook {
			out[k] = merge(bm, om)
		} else {
			out[k] = v
		}
	}
	return out
}
