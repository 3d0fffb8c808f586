// SQL DDL: create database (HASH, COMPO), create and drop tables, alter table add, rename
// and drop column, drop database; with existsDatabase/existsTable/schema to see the effect.

-- case: create database partitioned by HASH prints nothing
create database "dfs://h" partitioned by HASH([SYMBOL, 4])
-- expect

-- case: existsDatabase
existsDatabase("dfs://h")
existsDatabase("dfs://none")
-- expect
true
false

-- case: create a partitioned table
create table "dfs://h"."t"(sym SYMBOL, v INT) partitioned by sym
existsTable("dfs://h", "t")
existsTable("dfs://h", "u")
-- expect
true
false

-- case: insert into the HASH table
insert into "dfs://h"."t" values (`A, 1), (`B, 2), (`C, 3)
-- expect
3

-- case: schema of a table
schema(loadTable("dfs://h", "t"))
-- expect
colDefs->name typeString comment
---- ---------- -------
sym  SYMBOL
v    INT
partitionColumnName->["sym"]
partitionSchema->HASH over SYMBOL into 4 buckets
tableComment->

-- case: alter table add column: existing rows hold null
alter table "dfs://h"."t" add price DOUBLE
select * from "dfs://h"."t" order by sym
-- expect
sym v price
--- - -----
A   1
B   2
C   3

-- case: update without where sets every row
update "dfs://h"."t" set price = v * 1.5
select sym, price from "dfs://h"."t" order by sym
-- expect
3
sym price
--- -----
A   1.5
B   3
C   4.5

-- case: alter table rename column
alter table "dfs://h"."t" rename column price to px
select sym, px from "dfs://h"."t" order by sym
-- expect
sym px
--- ---
A   1.5
B   3
C   4.5

-- case: alter table drop column
alter table "dfs://h"."t" drop column px
select * from "dfs://h"."t" order by sym
-- expect
sym v
--- -
A   1
B   2
C   3

-- case: alter table rename and drop without the word column
alter table "dfs://h"."t" add w INT
alter table "dfs://h"."t" rename w to w2
alter table "dfs://h"."t" drop w2
select * from "dfs://h"."t" where sym == `A
-- expect
sym v
--- -
A   1

-- case: a partitioning column cannot be dropped
alter table "dfs://h"."t" drop sym
-- expect error S00104
line 1, column 1
column sym partitions dfs://h/t and cannot be dropped

-- case: adding a column that exists
alter table "dfs://h"."t" add v LONG
-- expect error S00313
column v already exists in dfs://h/t

-- case: renaming a column that does not exist
alter table "dfs://h"."t" rename column w to x
-- expect error S00303
column w does not exist in dfs://h/t

-- case: creating a database that exists
create database "dfs://h" partitioned by VALUE(1..3)
-- expect error S00311
database dfs://h already exists

-- case: creating a table that exists
create table "dfs://h"."t"(sym SYMBOL) partitioned by sym
-- expect error S00312
table t already exists in dfs://h

-- case: drop table
drop table "dfs://h"."t"
existsTable("dfs://h", "t")
-- expect
false

-- case: drop database
drop database "dfs://h"
existsDatabase("dfs://h")
-- expect
false

-- case: dropping a database that does not exist
drop database "dfs://h"
-- expect error S00301
database dfs://h does not exist

-- case: create a COMPO database of VALUE and HASH, and a table partitioned by both columns
create database "dfs://c" partitioned by VALUE(2023.01.01..2023.01.02), HASH([SYMBOL, 2])
create table "dfs://c"."t"(d DATE, sym SYMBOL, v INT) partitioned by d, sym
insert into "dfs://c"."t" values (2023.01.01, `A, 1), (2023.01.01, `B, 2), (2023.01.02, `A, 3)
-- expect
3

-- case: group by over the COMPO table
select d, sum(v) as s, count(*) as n from "dfs://c"."t" group by d order by d
-- expect
d          s n
---------- - -
2023.01.01 3 2
2023.01.02 3 1

-- case: schema of the COMPO table
schema(loadTable("dfs://c", "t"))
-- expect
colDefs->name typeString comment
---- ---------- -------
d    DATE
sym  SYMBOL
v    INT
partitionColumnName->["d","sym"]
partitionSchema->COMPO of VALUE over DATE 2023.01.01, 2023.01.02 and HASH over SYMBOL into 2 buckets
tableComment->

-- case: a value outside the first COMPO level
insert into "dfs://c"."t" values (2023.01.03, `A, 1)
-- expect error S00201
2023.01.03 is outside the partition scheme of dfs://c (COMPO of VALUE over DATE 2023.01.01, 2023.01.02 and HASH over SYMBOL into 2 buckets)

-- case: create a dimension table (no partitioned by) and query it
create table "dfs://c"."dim"(sym SYMBOL, name STRING)
insert into "dfs://c"."dim" values (`A, "Alpha"), (`B, "Beta")
select * from "dfs://c"."dim"
-- expect
2
sym name
--- -----
A   Alpha
B   Beta

-- case: drop the COMPO database with its tables
drop database "dfs://c"
existsTable("dfs://c", "dim")
-- expect
false
