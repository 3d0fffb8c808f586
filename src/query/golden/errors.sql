// Errors as users meet them: the code, the place in the text, and the message text that
// tells them what to do (near-miss suggestions, the scheme a value missed).

-- setup
create database "dfs://e" partitioned by VALUE(2023.01.02..2023.01.03)
create table "dfs://e"."t"(sym SYMBOL, d DATE, px DOUBLE, qty INT) partitioned by d
insert into "dfs://e"."t" values (`A, 2023.01.02, 10.5, 100), (`B, 2023.01.03, 20.0, 200)

-- case: a syntax error names the line and column
select sym fro "dfs://e"."t"
-- expect error S00105
line 1, column 12
expected FROM or "," and a column, found "fro"

-- case: a syntax error on the second line stops every statement before any runs
insert into "dfs://e"."t" values (`Z, 2023.01.02, 1.0, 1)
select from "dfs://e"."t"
-- expect error S00105
line 2, column 8
expected an expression, found "from"

-- case: so the insert before it did not run
exec count(*) from "dfs://e"."t"
-- expect
2

-- case: an unknown column suggests the nearest
select pz from "dfs://e"."t"
-- expect error S00303
line 1, column 8
there is no column pz among sym, d, px, qty. Did you mean px?

-- case: an unknown column in where suggests the nearest
select * from "dfs://e"."t" where sim == `A
-- expect error S00303
line 1, column 35
there is no column sim among sym, d, px, qty. Did you mean sym?

-- case: an unknown function suggests the nearest
select summ(qty) from "dfs://e"."t"
-- expect error S00305
line 1, column 8
there is no function summ. Did you mean sum?

-- case: an unknown function as a statement
existTable("dfs://e", "t")
-- expect error S00305
line 1, column 1
there is no function existTable. Did you mean existsTable?

-- case: text plus a number is a type mismatch
select "a" + 1
-- expect error S00102
line 1, column 8
cannot apply + to a STRING scalar and an INT scalar

-- case: comparing a DATE with a SYMBOL is a type mismatch
select * from "dfs://e"."t" where d == `A
-- expect error S00102
line 1, column 35
cannot apply == to a DATE vector and a SYMBOL scalar

-- case: a value outside the partition scheme
insert into "dfs://e"."t" values (`C, 2023.01.05, 1.0, 1)
-- expect error S00201
line 1, column 13
2023.01.05 is outside the partition scheme of dfs://e (VALUE over DATE 2023.01.02, 2023.01.03)

-- case: a null partition value
insert into "dfs://e"."t" (sym, px) values (`C, 1.0)
-- expect error S00201
null (row 0) is outside the partition scheme of dfs://e
partition columns cannot hold nulls

-- case: a table name without loadTable
select * from t
-- expect error S00302
line 1, column 15
there is no table variable t; name a DFS table as loadTable("dfs://db", "t") or "dfs://db"."t"

-- case: an unknown table
select * from loadTable("dfs://e", "nope")
-- expect error S00302
line 1, column 15
table nope does not exist in dfs://e

-- case: an unknown database
select * from "dfs://nope"."t"
-- expect error S00301
line 1, column 15
database dfs://nope does not exist

-- case: a column outside the aggregates must be grouped
select sym, sum(qty) from "dfs://e"."t"
-- expect error S00104
line 1, column 8
column sym in the select list must be in GROUP BY or inside an aggregate

-- case: sum of a SYMBOL column
select sum(sym) from "dfs://e"."t"
-- expect error S00102
line 1, column 8
sum does not take a SYMBOL argument

-- case: a condition must be BOOL or numeric
select * from "dfs://e"."t" where sym
-- expect error S00102
line 1, column 35
a condition must be BOOL or numeric, found a SYMBOL vector

-- case: an aggregate in where
select * from "dfs://e"."t" where sum(qty) > 1
-- expect error S00104
line 1, column 35
the aggregate sum cannot be used here

-- case: having without group by or an aggregate
select sym from "dfs://e"."t" having qty > 1
-- expect error S00104
line 1, column 38
HAVING needs GROUP BY or an aggregate

-- case: the wrong number of arguments
existsTable("dfs://e")
-- expect error S00104
existsTable takes 2 argument(s), not 1

-- case: an impossible date is a syntax error
select 2023.02.29
-- expect error S00105
line 1, column 8
day 29 is out of range

-- case: a statement error stops the statements after it
insert into "dfs://e"."t" values (`C, 2023.01.02, 1.0, 1)
select nope from "dfs://e"."t"
insert into "dfs://e"."t" values (`D, 2023.01.02, 1.0, 1)
-- expect error S00303
line 2, column 8
there is no column nope

-- case: so only the statement before the error wrote
exec sym from "dfs://e"."t"
-- expect
["A","C","B"]

-- case: a column named twice in create table
create table "dfs://e"."t2"(a INT, a DOUBLE)
-- expect error S00313
column a appears twice in table t2

-- case: an unknown column type
create table "dfs://e"."t3"(a NUMBER)
-- expect error S00105
line 1, column 31
expected a column type

-- case: a HASH scheme without a bucket count
create database "dfs://bad" partitioned by HASH([SYMBOL])
-- expect error S00202
HASH partitioning needs [type, buckets] such as [SYMBOL, 10]

-- case: WHERE is checked even when no partition is read (the partition is pruned away)
select sym from "dfs://e"."t" where d = 2023.01.09 and zz > 1
-- expect error S00303
there is no column zz among sym, d, px, qty

-- case: a type error in WHERE is found on an empty read too
select count(*) from "dfs://e"."t" where d = 2023.01.09 and sym + 1 > 0
-- expect error S00102
cannot apply +

-- case: an unknown name in HAVING lists the table's columns
select sum(px) from "dfs://e"."t" group by sym having zz > 1
-- expect error S00303
line 1, column 55
there is no column zz among sym, d, px, qty

-- case: TOP and LIMIT together are refused
select top 2 sym from "dfs://e"."t" limit 1
-- expect error S00104
use TOP or LIMIT, not both
