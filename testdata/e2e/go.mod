module e2e.example

go 1.26
