module github.com/dancergo/dancergo

go 1.26

require (
	github.com/alexedwards/scs/redisstore v0.0.0-20251002162104-209de6e426de
	github.com/alexedwards/scs/v2 v2.9.0
	github.com/bradfitz/gomemcache v0.0.0-20260422231931-4d751bb6e37c
	github.com/golang/snappy v1.0.0
	github.com/gomodule/redigo v1.9.3
	gopkg.in/yaml.v3 v3.0.1
)
