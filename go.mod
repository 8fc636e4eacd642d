module github.com/dancergo/dancergo

go 1.26

require github.com/alexedwards/scs/v2 v2.9.0
