module example.com/resetproxy

go 1.26
