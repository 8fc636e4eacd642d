module github.com/dancergo/dancergo

go 1.26

require (
	github.com/alexedwards/scs/v2 v2.9.0
	github.com/golang/snappy v1.0.0
	gopkg.in/yaml.v3 v3.0.1
)
