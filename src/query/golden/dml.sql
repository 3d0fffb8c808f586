// Insert, update and delete over a RANGE-partitioned table (ids [0, 100) and [100, 200)):
// each case changes the data the next one reads.

-- setup
create database "dfs://w" partitioned by RANGE([0, 100, 200])
create table "dfs://w"."orders"(id INT, sym SYMBOL, qty INT, note STRING) partitioned by id

-- case: insert several rows returns how many
insert into "dfs://w"."orders" values (1, `A, 10, "first"), (150, `B, 20, "big"), (2, `C, 30, "small")
-- expect
3

-- case: insert with a column list leaves the other columns null
insert into loadTable("dfs://w", "orders") (id, qty) values (120, 5), (3, 7)
-- expect
2

-- case: a vector value inserts one row per element
insert into "dfs://w"."orders" (id, sym, qty) values (4..5, `D, 1)
-- expect
2

-- case: the inserted rows
select * from "dfs://w"."orders" order by id
-- expect
id  sym qty note
--- --- --- -----
1   A   10  first
2   C   30  small
3       7
4   D   1
5   D   1
120     5
150 B   20  big

-- case: scan order: partitions as first written, rows in write order
exec id from "dfs://w"."orders"
-- expect
[1,2,3,4,5,150,120]

-- case: update several columns where a condition holds returns how many
update "dfs://w"."orders" set qty = qty * 2, note = "doubled" where sym == `A or id > 100
-- expect
3

-- case: the updated rows
select id, qty, note from "dfs://w"."orders" order by id
-- expect
id  qty note
--- --- -------
1   20  doubled
2   30  small
3   7
4   1
5   1
120 10  doubled
150 40  doubled

-- case: an update that matches nothing changes 0 rows
update "dfs://w"."orders" set qty = 0 where id > 1000
-- expect
0

-- case: update with text concatenation, then read it back
update "dfs://w"."orders" set note = note + "!" where id == 2
exec note from "dfs://w"."orders" where id == 2
-- expect
1
["small!"]

-- case: delete where a condition holds returns how many
delete from "dfs://w"."orders" where qty < 10
-- expect
3

-- case: the rows left after delete
select * from "dfs://w"."orders" order by id
-- expect
id  sym qty note
--- --- --- -------
1   A   20  doubled
2   C   30  small!
120     10  doubled
150 B   40  doubled

-- case: a partitioning column cannot be updated
update "dfs://w"."orders" set id = 7 where id == 1
-- expect error S00104
line 1, column 8
column id partitions dfs://w/orders and cannot be updated

-- case: a value outside the RANGE scheme is rejected
insert into "dfs://w"."orders" values (250, `Z, 1, "x")
-- expect error S00201
line 1, column 13
250 is outside the partition scheme of dfs://w (RANGE over INT [0, 200) in 2 ranges)

-- case: too few values for the columns
insert into "dfs://w"."orders" values (1, `A)
-- expect error S00103
4 values needed (id, sym, qty, note), 2 given

-- case: a value of the wrong type for its column
insert into "dfs://w"."orders" values (9, `A, "ten", "x")
-- expect error S00102
column qty of orders is INT; a STRING value cannot go there

-- case: an unknown column in the insert list suggests the nearest
insert into "dfs://w"."orders" (id, qtty) values (1, 2)
-- expect error S00303
orders has no column qtty
Did you mean qty?

-- case: an unknown column in update suggests the nearest
update "dfs://w"."orders" set qtty = 1
-- expect error S00303
orders has no column qtty
Did you mean qty?

-- case: the failed writes wrote nothing
exec count(*) from "dfs://w"."orders"
-- expect
4

-- case: delete without where empties the table
delete from "dfs://w"."orders"
exec count(*) from "dfs://w"."orders"
-- expect
4
0

-- case: NULL inserts the null of each column's type, text columns included
insert into "dfs://w"."orders" values (7, NULL, NULL, NULL)
select id, isNull(sym) as s, isNull(qty) as q, isNull(note) as n from "dfs://w"."orders" where id = 7
-- expect
1
id s    q    n
-- ---- ---- ----
7  true true true
