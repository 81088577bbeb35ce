"""The Apache Spark engine of the out-of-core complaint-log reader.

``read_complaints(path, engine="spark")`` runs the checks of
:mod:`coprod.io.complaint_engine` on Spark: :class:`SparkEngine` is the same small
interface as its DuckDB engine (``run``, ``arrow``, ``batches``, ``scalar``, ``put``, ``stage_rows``,
``write_parquet``, ``timestamp``, ``close``), so the pipeline, its SQL
and its results are the same. The SQL is written in DuckDB's dialect and translated
statement by statement with sqlglot (``read="duckdb", write="spark"``); what Spark SQL
has no statement for is done with DataFrames:

- ``CREATE TABLE ... AS`` / ``CREATE OR REPLACE VIEW ... AS``: a temporary view (cached
  when it is a table, as the pipeline reads those several times); ``INSERT INTO t
  SELECT``: ``t`` becomes the union of its rows and the new ones.
- ``grouping(a, b)`` (DuckDB: a bit per column) is ``grouping(a) * 2 + grouping(b)``:
  Spark's ``grouping_id`` takes only all the grouping columns.
- Timestamps: Spark's are microseconds, so :meth:`SparkEngine.timestamp` makes one with
  ``timestamp_micros(ns div 1000)`` (exact for any date the readers produce, which have at
  most microseconds), and :meth:`SparkEngine.write_parquet` writes them as local times
  (``TIMESTAMP_NTZ``, in UTC), the naive timestamps the in-memory reader gives.
- The rows come staged by pyarrow (a CSV or a Parquet file alike) into one Parquet file
  with ``_row``, the row's number in the file, so Spark reads only that file. Its dates
  are nanoseconds, which Spark reads only as integers: for the load,
  ``spark.sql.legacy.parquet.nanosAsLong`` is set (and put back after) and they become
  microsecond timestamps.
- The views get a prefix of their own (``coprod_<hex>_bad`` ...), so a load does not
  clash with the views of a session you share, or with another load.

Which Spark
    If a SparkSession is already running (yours, on a cluster or local), the load uses
    it and leaves it running. Otherwise it starts a local one (``local[2]``, time zone
    UTC, no UI, 4 shuffle partitions, 2 GiB of driver memory, its warehouse and scratch
    folders in the load's work folder) and stops it when done: that costs a few seconds
    per load, so for many loads start a session first
    (``SparkSession.builder.master("local[2]").config("spark.sql.session.timeZone",
    "UTC").getOrCreate()``). Use UTC as the session time zone: the dates are naive
    (local) times, and in another zone Spark would shift the times it parses. The file
    must be where the driver and the executors can read it (on a cluster: a shared
    folder), and so must the work folder (``store=``), where the engine writes.

Needs ``pip install "coprod[spark]"`` (pyspark >= 4, sqlglot) and a Java runtime.
"""

from __future__ import annotations

import shutil
import uuid
import warnings
from pathlib import Path
from typing import Any

__all__ = ["SparkEngine"]

# a newer pandas than pyspark has been tested with: its warning says nothing to a reader
_PANDAS_WARNING = "PySpark does not yet fully support pandas"


class SparkEngine:
    """The out-of-core reader's engine on Apache Spark (see the module docstring)."""

    name = "spark"

    def __init__(self, work: Path, memory: str = "2g") -> None:
        from py4j.protocol import Py4JError
        from pyspark import SparkContext
        from pyspark.errors import PySparkException
        from pyspark.sql import SparkSession

        self.error = (PySparkException, Py4JError)
        self.work = Path(work)
        active = SparkSession.getActiveSession()
        if active is None and SparkContext._active_spark_context is not None:
            active = SparkSession.builder.getOrCreate()  # running, but not in this thread
        self.owned = active is None
        if active is None:
            scratch = self.work / "spark"
            scratch.mkdir(parents=True, exist_ok=True)
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message=_PANDAS_WARNING)
                active = _local_session(scratch, memory)
            active.sparkContext.setLogLevel("ERROR")
        self.spark = active
        self.prefix = f"coprod_{uuid.uuid4().hex[:8]}_"
        self.views: dict[str, Any] = {}  # our view name -> its DataFrame
        self.cached: list[Any] = []
        self.written = 0
        self.confs: dict[str, str | None] = {}  # options set for this load: their old values

    # ---- translation

    def _view(self, name: str) -> str:
        return self.prefix + name.lower()

    def _spark_sql(self, tree: Any) -> str:
        """A parsed DuckDB statement as Spark SQL, our views under their own names."""
        import sqlglot
        from sqlglot import exp

        def rewrite(node: Any) -> Any:
            if isinstance(node, exp.Table) and not node.args.get("db"):
                name = node.name.lower()
                if name in self.views:
                    alias = node.alias or node.name
                    return exp.table_(self._view(name), alias=alias)
            if isinstance(node, exp.Grouping) and len(node.expressions) > 1:
                # DuckDB's bits, one per column (Spark's grouping_id takes every column)
                k = len(node.expressions)
                bits = [
                    f"grouping({e.sql(dialect='spark')}) * {1 << (k - 1 - i)}"
                    for i, e in enumerate(node.expressions)
                ]
                return sqlglot.parse_one("(" + " + ".join(bits) + ")", read="spark")
            return node

        return tree.transform(rewrite).sql(dialect="spark")

    def _frame(self, sql_or_tree: Any) -> Any:
        import sqlglot

        tree = (
            sqlglot.parse_one(sql_or_tree, read="duckdb")
            if isinstance(sql_or_tree, str)
            else sql_or_tree
        )
        return self.spark.sql(self._spark_sql(tree))

    def _register(self, name: str, frame: Any, *, cache: bool = False) -> None:
        if cache:
            frame = frame.cache()
            self.cached.append(frame)
        name = name.lower()
        self.views[name] = frame
        frame.createOrReplaceTempView(self._view(name))

    # ---- the interface of complaint_engine's engines

    def run(self, sql: str) -> None:
        import sqlglot
        from sqlglot import exp

        tree = sqlglot.parse_one(sql, read="duckdb")
        if isinstance(tree, exp.Create) and tree.args.get("kind") in ("TABLE", "VIEW"):
            self._register(
                tree.this.name,
                self._frame(tree.expression),
                cache=tree.args["kind"] == "TABLE",
            )
        elif isinstance(tree, exp.Insert):
            name = tree.this.name.lower()
            # by position, as INSERT does
            self._register(name, self.views[name].union(self._frame(tree.expression)))
        else:
            self.spark.sql(self._spark_sql(tree)).collect()

    def arrow(self, sql: str) -> Any:
        return self._frame(sql).toArrow()

    def batches(self, sql: str, rows: int = 1 << 18) -> Any:
        """The result as pyarrow record batches (collected by the driver: the quarantine,
        the one result read this way, is the problems, not the log)."""
        return self.arrow(sql).to_batches(max_chunksize=rows)

    def scalar(self, sql: str) -> Any:
        return self._frame(sql).collect()[0][0]

    def put(self, name: str, table: Any, *, append: bool = False) -> None:
        """A lookup table (pyarrow) as the view ``name`` (or added to it)."""
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=_PANDAS_WARNING)
            frame = self.spark.createDataFrame(table)
        if append:
            frame = self.views[name.lower()].union(frame)
        self._register(name, frame, cache=True)

    def stage_rows(self, staged: Path) -> None:
        """The rows staged as Parquet (``_row``, ``c0`` ...), as the view ``raw``; dates
        (nanoseconds there, which Spark reads only as integers) as microsecond local
        times."""
        import pyarrow as pa
        import pyarrow.parquet as pq
        from pyspark.sql import functions as F

        nanos = {
            f.name
            for f in pq.read_schema(staged)
            if pa.types.is_timestamp(f.type) and f.type.unit == "ns"
        }
        if nanos:
            self._set_conf("spark.sql.legacy.parquet.nanosAsLong", "true")
        frame = self.spark.read.parquet(str(staged))
        self._register(
            "raw",
            frame.select(
                *(
                    F.expr(f"timestamp_micros({name} div 1000)").cast("timestamp_ntz").alias(name)
                    if name in nanos
                    else frame[name]
                    for name in frame.columns
                )
            ),
        )

    def write_parquet(self, sql: str, path: Path) -> None:
        """The query's rows as ONE Parquet file at ``path`` (Spark writes a folder of part
        files: one partition, its part file moved to ``path``); timestamps as local
        times (``TIMESTAMP_NTZ``)."""
        from pyspark.sql import types as T

        frame = self._frame(sql)
        frame = frame.select(
            *(
                frame[f.name].cast(T.TimestampNTZType()).alias(f.name)
                if isinstance(f.dataType, T.TimestampType)
                else frame[f.name]
                for f in frame.schema.fields
            )
        )
        self.written += 1
        folder = self.work / f"spark-out-{self.written}"
        frame.coalesce(1).write.mode("overwrite").parquet(str(folder))
        (part,) = sorted(folder.glob("part-*.parquet"))
        shutil.move(str(part), str(path))
        shutil.rmtree(folder, ignore_errors=True)

    def timestamp(self, ns: str) -> str:
        # Spark's timestamps are microseconds (DuckDB dialect: // is integer division)
        return f"timestamp_micros({ns} // 1000)"

    def close(self) -> None:
        for frame in self.cached:
            frame.unpersist()
        catalog = self.spark.catalog
        for name in self.views:
            catalog.dropTempView(self._view(name))
        for key, value in self.confs.items():
            if value is None:
                self.spark.conf.unset(key)
            else:
                self.spark.conf.set(key, value)
        if self.owned:
            self.spark.stop()

    def _set_conf(self, key: str, value: str) -> None:
        """Set a session option for this load (put back by :meth:`close`)."""
        if key not in self.confs:
            self.confs[key] = self.spark.conf.get(key, None)
        self.spark.conf.set(key, value)


def _local_session(scratch: Path, memory: str) -> Any:
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master("local[2]")
        .appName("coprod read_complaints")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.memory", memory)
        .config("spark.sql.warehouse.dir", str(scratch / "warehouse"))
        .config("spark.local.dir", str(scratch / "tmp"))
        .config("spark.driver.extraJavaOptions", f"-Djava.io.tmpdir={scratch / 'tmp'}")
        .getOrCreate()
    )
