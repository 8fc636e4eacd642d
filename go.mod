module github.com/dancergo/dancergo

go 1.26

require github.com/alexedwards/scs/v2 v2.9.0

require github.com/golang/snappy v1.0.0
