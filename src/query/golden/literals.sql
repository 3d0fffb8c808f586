// DolphinDB literals: every temporal form, symbols, strings, chars, typed nulls, ranges,
// pairs and vectors; temporal arithmetic, comparisons across temporal types and conversions.

-- setup
create database "dfs://lit" partitioned by VALUE(2023.01.08..2023.01.09)
create table "dfs://lit"."q"(ts TIMESTAMP, dt DATETIME, t TIME, s SECOND, mi MINUTE, m MONTH, sym SYMBOL, n LONG) partitioned by ts
insert into "dfs://lit"."q" values (2023.01.08T09:30:00.123, 2023.01.08T09:30:00, 09:30:00.123, 09:30:00, 09:30m, 2023.01M, `a, 1), (2023.01.09T15:59:59.999, 2023.01.09T15:59:59, 15:59:59.999, 15:59:59, 15:59m, 2023.02M, `b, 9000000000)

-- case: temporal literals print as they are written
select 2023.01.08 as d, 2023.01M as m, 09:30m as mi, 09:30:00 as s, 09:30:00.500 as t, 2023.01.08T09:30:00 as dt, 2023.01.08T09:30:00.123 as ts
-- expect
d          m        mi     s        t            dt                  ts
---------- -------- ------ -------- ------------ ------------------- -----------------------
2023.01.08 2023.01M 09:30m 09:30:00 09:30:00.500 2023.01.08T09:30:00 2023.01.08T09:30:00.123

-- case: nanosecond literals
select 09:30:00.123456789 as nt, 2023.01.08T09:30:00.123456789 as nts
-- expect
nt                 nts
------------------ -----------------------------
09:30:00.123456789 2023.01.08T09:30:00.123456789

-- case: symbol, string, bool, int, long, double and char literals
select `abc as sym, "text" as str, true as b, 42 as i, 9000000000 as l, 1.5 as x, 'c' as ch
-- expect
sym str  b    i  l          x   ch
--- ---- ---- -- ---------- --- ---
abc text true 42 9000000000 1.5 'c'

-- case: typed nulls are null
select 00i as i, 00F as x, isNull(00d) as n, 00M is null as m
-- expect
i x n    m
- - ---- ----
    true true

-- case: an integer range
exec 1..5
-- expect
[1,2,3,4,5]

-- case: a date range crosses a month end
exec 2023.01.30..2023.02.02
-- expect
[2023.01.30,2023.01.31,2023.02.01,2023.02.02]

-- case: a month range crosses a year end
exec 2023.11M..2024.02M
-- expect
[2023.11M,2023.12M,2024.01M,2024.02M]

-- case: a symbol vector
exec `a`b`c
-- expect
["a","b","c"]

-- case: a pair
exec 1:3
-- expect
1 : 3

-- case: a vector widens INT and DOUBLE to DOUBLE
exec [1, 2.5, 3]
-- expect
[1,2.5,3]

-- case: temporal arithmetic moves by the ticks of the type
select 2023.01.31 + 1 as d, 2023.03.01 - 2023.01.01 as days, 2023.01.08T09:30:00 + 60 as dt, 2023.01M + 13 as m, 09:30m + 45 as mi
-- expect
d          days dt                  m        mi
---------- ---- ------------------- -------- ------
2023.02.01 59   2023.01.08T09:31:00 2024.02M 10:15m

-- case: temporal columns as stored
select * from "dfs://lit"."q"
-- expect
ts                      dt                  t            s        mi     m        sym n
----------------------- ------------------- ------------ -------- ------ -------- --- ----------
2023.01.08T09:30:00.123 2023.01.08T09:30:00 09:30:00.123 09:30:00 09:30m 2023.01M a   1
2023.01.09T15:59:59.999 2023.01.09T15:59:59 15:59:59.999 15:59:59 15:59m 2023.02M b   9000000000

-- case: a TIMESTAMP column against a DATETIME literal
exec sym from "dfs://lit"."q" where ts >= 2023.01.08T09:30:01
-- expect
["b"]

-- case: a DATETIME column against a DATE literal compares with its midnight
exec sym from "dfs://lit"."q" where dt < 2023.01.09
-- expect
["a"]

-- case: MONTH, MINUTE, TIME and SECOND columns against literals
select sym from "dfs://lit"."q" where m = 2023.02M and mi > 12:00m and t > 15:00:00.000 and s between 15:00:00 and 16:00:00
-- expect
sym
---
b

-- case: conversions between temporal types
select date(ts) as dd, month(ts) as mm, minute(t) as mi1, second(dt) as ss, datetime(ts) as dt1, timestamp(dt) as ts1 from "dfs://lit"."q" where sym == `a
-- expect
dd         mm       mi1    ss       dt1                 ts1
---------- -------- ------ -------- ------------------- -----------------------
2023.01.08 2023.01M 09:30m 09:30:00 2023.01.08T09:30:00 2023.01.08T09:30:00.000

-- case: LONG arithmetic
exec n * 2 from "dfs://lit"."q"
-- expect
[2,18000000000]

-- case: a TIMESTAMP range on the partition column
select count(*) as n from "dfs://lit"."q" where ts between 2023.01.09T00:00:00.000 and 2023.01.09T23:59:59.999
-- expect
n
-
1
