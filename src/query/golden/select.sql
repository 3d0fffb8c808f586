// Queries over one VALUE-partitioned table (three days) and one dimension table: every
// clause of select/exec, every operator and every aggregate. Rows, in scan order:
//   A 2023.01.02 10.5 100 | B 2023.01.02 20 200 | C 2023.01.02 null 50
//   A 2023.01.03 11.5 150 | B 2023.01.03 19.5 null
//   A 2023.01.04 12.5 50  | C 2023.01.04 5 300

-- setup
create database "dfs://g" partitioned by VALUE(2023.01.02..2023.01.04)
create table "dfs://g"."t"(sym SYMBOL, d DATE, px DOUBLE, qty INT) partitioned by d
insert into loadTable("dfs://g", "t") values (`A, 2023.01.02, 10.5, 100), (`B, 2023.01.02, 20.0, 200), (`C, 2023.01.02, 00F, 50), (`A, 2023.01.03, 11.5, 150), (`B, 2023.01.03, 19.5, NULL), (`A, 2023.01.04, 12.5, 50), (`C, 2023.01.04, 5.0, 300)
create table "dfs://g"."info"(sym SYMBOL, name STRING, listed DATE)
insert into "dfs://g"."info" values (`A, "Alpha Corp", 2001.05.17), (`B, "Beta Ltd", 1999.11.30), (`C, "Gamma Corp", 2010.02.28)

-- case: select * returns every row in partition order, then write order
select * from loadTable("dfs://g", "t")
-- expect
sym d          px   qty
--- ---------- ---- ---
A   2023.01.02 10.5 100
B   2023.01.02 20   200
C   2023.01.02      50
A   2023.01.03 11.5 150
B   2023.01.03 19.5
A   2023.01.04 12.5 50
C   2023.01.04 5    300

-- case: count(*) names its column count
select count(*) from "dfs://g"."t"
-- expect
count
-----
7

-- case: exec of one global aggregate is a scalar
exec count(*) from "dfs://g"."t"
-- expect
7

-- case: exec of one column is a vector
exec sym from "dfs://g"."t" where d = 2023.01.02
-- expect
["A","B","C"]

-- case: exec of a grouped aggregate is a vector
exec sum(qty) from "dfs://g"."t" group by sym order by sym
-- expect
[300,200,350]

-- case: arithmetic over columns: integer division floors, nulls propagate
select sym, px * qty as amount, qty / 40 as q40, qty % 40 as m40, px + 1 as up from "dfs://g"."t" where d = 2023.01.02
-- expect
sym amount q40 m40 up
--- ------ --- --- ----
A   1050   2   20  11.5
B   4000   5   0   21
C          1   10

-- case: arithmetic without a table: floor division, modulo takes the sign of the divisor
select 7 / 2 as q, -7 / 2 as fq, -7 % 3 as m, 7 % -3 as mn, 7.0 / 2 as r, 2 + 3 * 4 as p
-- expect
q fq m mn r   p
- -- - -- --- --
3 -4 2 -2 3.5 14

-- case: division and modulo by zero are null
select 1 / 0 as z, isNull(1 / 0) as n, 5 % 0 as m
-- expect
z n    m
- ---- -
  true

-- case: comparison with and: a null is smaller than every value
select sym, d from "dfs://g"."t" where px >= 11 and qty < 200 order by d, sym
-- expect
sym d
--- ----------
A   2023.01.03
B   2023.01.03
A   2023.01.04

-- case: not and or: a false comparison with a null stays false
select sym, qty from "dfs://g"."t" where not (sym == `A or qty > 100) order by qty
-- expect
sym qty
--- ---
B
C   50

-- case: the spellings !=, && and !
exec qty from "dfs://g"."t" where sym != `A && !(px > 15)
-- expect
[50,300]

-- case: in with a symbol vector and a date vector
select sym, d from "dfs://g"."t" where sym in `B`C and d in [2023.01.02, 2023.01.04] order by sym, d
-- expect
sym d
--- ----------
B   2023.01.02
C   2023.01.02
C   2023.01.04

-- case: not in with a parenthesised list
exec sym from "dfs://g"."t" where sym not in (`A, `B)
-- expect
["C","C"]

-- case: between is inclusive at both ends and excludes nulls
select sym, qty from "dfs://g"."t" where qty between 50 and 150 order by qty desc, sym
-- expect
sym qty
--- ---
A   150
A   100
A   50
C   50

-- case: between dates
exec count(*) from "dfs://g"."t" where d between 2023.01.03 and 2023.01.04
-- expect
4

-- case: like with % on a STRING column of a dimension table
select sym, name from "dfs://g"."info" where name like "%Corp" order by sym
-- expect
sym name
--- ----------
A   Alpha Corp
C   Gamma Corp

-- case: like with _
exec sym from "dfs://g"."info" where name like "_eta%"
-- expect
["B"]

-- case: not like
exec name from "dfs://g"."info" where name not like "A%"
-- expect
["Beta Ltd","Gamma Corp"]

-- case: like without wildcards is equality, also on a SYMBOL column
exec count(*) from "dfs://g"."t" where sym like "A"
-- expect
3

-- case: is null
select sym, d from "dfs://g"."t" where px is null
-- expect
sym d
--- ----------
C   2023.01.02

-- case: isNull as a condition
exec sym from "dfs://g"."t" where isNull(qty)
-- expect
["B"]

-- case: is not null
select count(*) as n from "dfs://g"."t" where qty is not null
-- expect
n
-
6

-- case: isNull and is not null as columns
select sym, isNull(px) as nopx, px is not null as haspx from "dfs://g"."t" where d = 2023.01.02
-- expect
sym nopx  haspx
--- ----- -----
A   false true
B   false true
C   true  false

-- case: every aggregate over the whole table
select count(*) as n, count(px) as npx, sum(qty) as sq, avg(qty) as aq, min(px) as lo, max(px) as hi, first(qty) as f, last(qty) as l, nunique(sym) as u from "dfs://g"."t"
-- expect
n npx sq  aq                 lo hi f   l   u
- --- --- ------------------ -- -- --- --- -
7 6   850 141.66666666666666 5  20 100 300 3

-- case: std and var are the sample versions
select std(px) as s, var(px) as v from "dfs://g"."t" where sym == `A
-- expect
s v
- -
1 1

-- case: aggregates per group: nulls skipped, but first and last keep them
select sym, count(*) as n, sum(qty) as total, avg(px) as apx, std(px) as spx, var(px) as vpx, first(px) as fpx, last(px) as lpx from "dfs://g"."t" group by sym order by sym
-- expect
sym n total apx   spx                vpx   fpx  lpx
--- - ----- ----- ------------------ ----- ---- ----
A   3 300   11.5  1                  1     10.5 12.5
B   2 200   19.75 0.3535533905932738 0.125 20   19.5
C   2 350   5                                   5

-- case: nunique, min and max of a SYMBOL per group
select d, nunique(sym) as syms, min(sym) as lo, max(sym) as hi from "dfs://g"."t" group by d order by d
-- expect
d          syms lo hi
---------- ---- -- --
2023.01.02 3    A  C
2023.01.03 2    A  B
2023.01.04 2    A  C

-- case: group by with having
select sym, sum(qty) as total from "dfs://g"."t" group by sym having sum(qty) > 250 order by sym
-- expect
sym total
--- -----
A   300
C   350

-- case: having on an aggregate that is not selected
exec sym from "dfs://g"."t" group by sym having count(px) == 2
-- expect
["B"]

-- case: group by two columns, ordered by one ascending and one descending
select sym, d, sum(qty) as q from "dfs://g"."t" where sym != `B group by sym, d order by sym, d desc
-- expect
sym d          q
--- ---------- ---
A   2023.01.04 50
A   2023.01.03 150
A   2023.01.02 100
C   2023.01.04 300
C   2023.01.02 50

-- case: result columns are named as DolphinDB names them
select sym, avg(px), count(*), max(qty) - min(qty) from "dfs://g"."t" group by sym order by sym
-- expect
sym avg_px count sub_max_qty_min_qty
--- ------ ----- -------------------
A   11.5   3     100
B   19.75  2     0
C   5      2     250

-- case: order by two keys descending: nulls come last
select sym, d, qty from "dfs://g"."t" order by sym desc, qty desc
-- expect
sym d          qty
--- ---------- ---
C   2023.01.04 300
C   2023.01.02 50
B   2023.01.02 200
B   2023.01.03
A   2023.01.03 150
A   2023.01.02 100
A   2023.01.04 50

-- case: order by the alias of a computed column
select sym, px * qty as amount from "dfs://g"."t" where px * qty > 1000 order by amount desc
-- expect
sym amount
--- ------
B   4000
A   1725
C   1500
A   1050

-- case: limit n
select sym, qty from "dfs://g"."t" order by qty desc limit 2
-- expect
sym qty
--- ---
C   300
B   200

-- case: limit offset, n: ties keep scan order
select sym, qty from "dfs://g"."t" order by qty desc limit 2, 3
-- expect
sym qty
--- ---
A   150
A   100
C   50

-- case: limit past the end returns the rows left
exec sym from "dfs://g"."t" order by qty limit 5, 10
-- expect
["B","C"]

-- case: top n takes the first rows in scan order
select top 3 sym, d from "dfs://g"."t"
-- expect
sym d
--- ----------
A   2023.01.02
B   2023.01.02
C   2023.01.02

-- case: top with order by
select top 2 * from "dfs://g"."t" order by px desc
-- expect
sym d          px   qty
--- ---------- ---- ---
B   2023.01.02 20   200
B   2023.01.03 19.5

-- case: distinct keeps the first of each row
select distinct sym from "dfs://g"."t"
-- expect
sym
---
A
B
C

-- case: distinct with where and order by
select distinct d from "dfs://g"."t" where qty >= 100 order by d desc
-- expect
d
----------
2023.01.04
2023.01.03
2023.01.02

-- case: exec distinct is a vector; a null qty is below 100
exec distinct sym from "dfs://g"."t" where qty < 100
-- expect
["C","B","A"]

-- case: exec of an aggregate with where
exec avg(px) from "dfs://g"."t" where sym == `A
-- expect
11.5

-- case: a global aggregate over no rows: count is 0, the others null
select count(*) as n, sum(qty) as s, max(px) as m from "dfs://g"."t" where sym == `Z
-- expect
n s m
- - -
0

-- case: no matching rows prints [0 rows]
select sym, qty from "dfs://g"."t" where qty > 1000
-- expect
sym qty
--- ---
[0 rows]

-- case: a range on the partition column and a filter on another
select sym, px from "dfs://g"."t" where d >= 2023.01.03 and px < 12 order by px
-- expect
sym px
--- ----
C   5
A   11.5

-- case: ORDER BY a result name sorts by that result, even over a table column of that name
select sym, -qty as qty from "dfs://g"."t" order by qty limit 2
-- expect
sym qty
--- ----
B
C   -300
