SELECT a -- comment
FROM t /* block /* nested */ */ WHERE a = 1