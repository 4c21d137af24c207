module demo.example

go 1.26
