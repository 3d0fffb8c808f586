// The database functions in DolphinDB's call style: existsDatabase/existsTable, loadTable,
// schema, database(...), table(capacity:size, ...), createPartitionedTable, createTable,
// tableInsert, truncate, dropTable and dropDatabase.

-- setup
create database "dfs://f" partitioned by VALUE(2023.01M..2023.03M)
create table "dfs://f"."pt"(m MONTH, x DOUBLE) partitioned by m

-- case: existsDatabase and existsTable
existsDatabase("dfs://f")
existsDatabase("dfs://g")
existsTable("dfs://f", "pt")
existsTable("dfs://f", "nope")
existsTable("dfs://g", "pt")
-- expect
true
false
true
false
false

-- case: loadTable is a handle
loadTable("dfs://f", "pt")
-- expect
dfs://f/pt

-- case: insert through loadTable and read it back
insert into loadTable("dfs://f", "pt") values (2023.02M, 1.5), (2023.01M, 2.5)
select * from loadTable("dfs://f", "pt") order by m
-- expect
2
m        x
-------- ---
2023.01M 2.5
2023.02M 1.5

-- case: schema of a table
schema(loadTable("dfs://f", "pt"))
-- expect
colDefs->name typeString comment
---- ---------- -------
m    MONTH
x    DOUBLE
partitionColumnName->["m"]
partitionSchema->VALUE over MONTH 2023.01M..2023.03M
tableComment->

-- case: schema of something that is neither a table nor a database
schema(42)
-- expect error S00102
line 1, column 1
schema takes a table from loadTable(…), a database from database(…), or a database path such as "dfs://testDB"

-- case: schema of a database (by path or handle); an embedded store replicates nothing
schema("dfs://f")
-- expect
databaseDir->dfs://f
partitionTypeName->VALUE
partitionSchema->VALUE over MONTH 2023.01M..2023.03M
tables->["pt"]
clusterReplicationEnabled->false

-- case: a member of a dictionary
schema("dfs://f").clusterReplicationEnabled
-- expect
false

-- case: a member a dictionary lacks
schema("dfs://f").replicated
-- expect error S00104
line 1, column 18
the dictionary has no replicated; it has databaseDir, partitionTypeName, partitionSchema, tables, clusterReplicationEnabled

-- case: a function that changes data cannot sit inside an expression
select count(*) from "dfs://f"."pt" where existsTable("dfs://f", "pt") and dropTable("dfs://f", "pt")
-- expect error S00104
dropTable changes data, so it must be called as a statement of its own

-- case: database() of an existing path is its handle
database("dfs://f")
-- expect
dfs://f

-- case: database() of a missing path without a scheme fails
database("dfs://missing")
-- expect error S00301
line 1, column 1
database dfs://missing does not exist; give a partition type and scheme to create it

-- case: database() with a type and scheme creates a VALUE database and returns its handle
database("dfs://f1", VALUE, 2023.01.01..2023.01.03)
existsDatabase("dfs://f1")
-- expect
dfs://f1
true

-- case: database() with RANGE and HASH schemes
database("dfs://f2", RANGE, [0, 50, 100])
database("dfs://f3", HASH, [INT, 3])
existsDatabase("dfs://f2")
existsDatabase("dfs://f3")
-- expect
dfs://f2
dfs://f3
true
true

-- case: database() with COMPO of two level databases made by database("", ...)
database("dfs://f4", COMPO, [database("", VALUE, 1..2), database("", HASH, [SYMBOL, 2])])
existsDatabase("dfs://f4")
-- expect
dfs://f4
true

-- case: table(1:0, names, types) is an empty table
table(1:0, `m`x, [MONTH, DOUBLE])
-- expect
m x
- -
[0 rows]

-- case: createPartitionedTable with a table(1:0, ...) schema returns a handle
createPartitionedTable("dfs://f", table(1:0, `m`y, [MONTH, INT]), "pt2", `m)
existsTable("dfs://f", "pt2")
-- expect
dfs://f/pt2
true

-- case: createTable makes a dimension table
createTable("dfs://f", table(1:0, `k`name, [INT, STRING]), "dim")
existsTable("dfs://f", "dim")
-- expect
dfs://f/dim
true

-- case: tableInsert appends the rows of a table and returns how many
tableInsert(loadTable("dfs://f", "dim"), table(2:2, `k`name, [INT, STRING]))
select count(*) as n, count(k) as nk from loadTable("dfs://f", "dim")
-- expect
2
n nk
- --
2 0

-- case: tableInsert takes one vector or scalar per column
tableInsert(loadTable("dfs://f", "dim"), [7, 8], "x")
select k, name from loadTable("dfs://f", "dim") where k > 0 order by k
-- expect
2
k name
- ----
7 x
8 x

-- case: tableInsert converts numbers to the column type and refuses text for a number
tableInsert(loadTable("dfs://f", "pt2"), 2023.01M, 1.9)
select m, y from loadTable("dfs://f", "pt2")
tableInsert(loadTable("dfs://f", "pt2"), 2023.01M, "seven")
-- expect error S00102
column y of pt2 is INT; a STRING value cannot go there

-- case: truncate removes every row and keeps the table
truncate("dfs://f", "pt")
exec count(*) from loadTable("dfs://f", "pt")
existsTable("dfs://f", "pt")
-- expect
0
true

-- case: dropTable
dropTable("dfs://f", "pt")
existsTable("dfs://f", "pt")
-- expect
false

-- case: dropTable of a table that is gone
dropTable("dfs://f", "pt")
-- expect error S00302
line 1, column 1
table pt does not exist in dfs://f

-- case: dropDatabase
dropDatabase("dfs://f")
existsDatabase("dfs://f")
-- expect
false
