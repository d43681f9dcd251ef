//! A table written a row at a time, as CSV or Parquet: typed columns, a bounded buffer.

use anyhow::{Context, Result};
use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, StringBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use std::fs::File;
use std::path::Path;
use std::sync::Arc;

/// A column's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    /// Text (ids too).
    Str,
    /// A whole number.
    Int,
    /// A number with decimals (confidences, coordinates).
    Float,
    /// true / false.
    Bool,
    /// A calendar date.
    Date,
}

/// One value; `None` is null (an empty field in CSV).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text.
    Str(Option<String>),
    /// A whole number.
    Int(Option<i64>),
    /// A number with decimals.
    Float(Option<f64>),
    /// true / false.
    Bool(Option<bool>),
    /// Days since 1970-01-01.
    Date(Option<i32>),
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Str(Some(s.to_string()))
    }
}
impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Str(Some(s))
    }
}
impl From<Option<String>> for Cell {
    fn from(s: Option<String>) -> Self {
        Cell::Str(s)
    }
}
impl From<usize> for Cell {
    fn from(n: usize) -> Self {
        Cell::Int(Some(n as i64))
    }
}
impl From<f64> for Cell {
    fn from(x: f64) -> Self {
        Cell::Float(Some(x))
    }
}
impl From<bool> for Cell {
    fn from(b: bool) -> Self {
        Cell::Bool(Some(b))
    }
}

/// Days since 1970-01-01 of a date written `YYYY-MM-DD` (a longer ISO 8601 time after it is
/// read for its date); `None` for anything else.
pub fn days(date: &str) -> Option<i32> {
    let d = date.get(..10)?;
    let (y, rest) = d.split_once('-')?;
    let (m, d) = rest.split_once('-')?;
    let (y, m, d): (i64, i64, i64) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || y.abs() > 9999 {
        return None;
    }
    // days from civil (H. Hinnant's algorithm)
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some((era * 146_097 + doe - 719_468) as i32)
}

/// `YYYY-MM-DD` of days since 1970-01-01.
pub fn date_string(days: i32) -> String {
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Where a table's rows go.
pub trait TableWriter {
    /// One row, its cells in the columns' order.
    fn row(&mut self, cells: Vec<Cell>) -> Result<()>;
    /// Writes what is buffered and closes the file.
    fn finish(self: Box<Self>) -> Result<()>;
}

/// A table's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Apache Parquet (snappy), one `<table>.parquet` each.
    Parquet,
    /// CSV with a header row, one `<table>.csv` each.
    Csv,
}

impl Format {
    /// A writer for table `name` with these columns, in `dir`.
    pub fn create(
        self,
        dir: &Path,
        name: &str,
        columns: &[(&str, Type)],
    ) -> Result<Box<dyn TableWriter>> {
        Ok(match self {
            Format::Csv => {
                let path = dir.join(format!("{name}.csv"));
                let mut w = csv::Writer::from_path(&path)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                w.write_record(columns.iter().map(|c| c.0))?;
                Box::new(CsvTable(w))
            }
            Format::Parquet => {
                let path = dir.join(format!("{name}.parquet"));
                let file = File::create(&path)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                let schema = Arc::new(Schema::new(
                    columns
                        .iter()
                        .map(|(n, t)| {
                            let dt = match t {
                                Type::Str => DataType::Utf8,
                                Type::Int => DataType::Int64,
                                Type::Float => DataType::Float64,
                                Type::Bool => DataType::Boolean,
                                Type::Date => DataType::Date32,
                            };
                            Field::new(*n, dt, true)
                        })
                        .collect::<Vec<_>>(),
                ));
                let props = parquet::file::properties::WriterProperties::builder()
                    .set_compression(parquet::basic::Compression::SNAPPY)
                    .build();
                let writer =
                    parquet::arrow::ArrowWriter::try_new(file, schema.clone(), Some(props))?;
                Box::new(ParquetTable {
                    writer,
                    schema,
                    types: columns.iter().map(|c| c.1).collect(),
                    rows: Vec::new(),
                })
            }
        })
    }
}

struct CsvTable(csv::Writer<File>);

impl TableWriter for CsvTable {
    fn row(&mut self, cells: Vec<Cell>) -> Result<()> {
        let fields = cells.into_iter().map(|c| match c {
            Cell::Str(s) => s.unwrap_or_default(),
            Cell::Int(n) => n.map(|n| n.to_string()).unwrap_or_default(),
            Cell::Float(x) => x.map(|x| x.to_string()).unwrap_or_default(),
            Cell::Bool(b) => b.map(|b| b.to_string()).unwrap_or_default(),
            Cell::Date(d) => d.map(date_string).unwrap_or_default(),
        });
        self.0.write_record(fields)?;
        Ok(())
    }
    fn finish(mut self: Box<Self>) -> Result<()> {
        self.0.flush()?;
        Ok(())
    }
}

/// Rows held before they are written as one record batch: bounds memory.
const BATCH_ROWS: usize = 8192;

struct ParquetTable {
    writer: parquet::arrow::ArrowWriter<File>,
    schema: Arc<Schema>,
    types: Vec<Type>,
    rows: Vec<Vec<Cell>>,
}

impl ParquetTable {
    fn flush_rows(&mut self) -> Result<()> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let columns: Vec<ArrayRef> = self
            .types
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let cells = self.rows.iter().map(|r| &r[i]);
                // one builder per type, each cell of another type a null
                macro_rules! column {
                    ($builder:ty, $variant:ident, $value:expr) => {{
                        let mut b = <$builder>::new();
                        cells.for_each(|c| match c {
                            Cell::$variant(x) => b.append_option($value(x)),
                            _ => b.append_null(),
                        });
                        Arc::new(b.finish()) as ArrayRef
                    }};
                }
                let array: ArrayRef = match t {
                    Type::Str => column!(StringBuilder, Str, Option::<String>::as_deref),
                    Type::Int => column!(Int64Builder, Int, |x: &Option<i64>| *x),
                    Type::Float => column!(Float64Builder, Float, |x: &Option<f64>| *x),
                    Type::Bool => column!(BooleanBuilder, Bool, |x: &Option<bool>| *x),
                    Type::Date => column!(Date32Builder, Date, |x: &Option<i32>| *x),
                };
                array
            })
            .collect();
        let batch = RecordBatch::try_new(self.schema.clone(), columns)?;
        self.writer.write(&batch)?;
        self.rows.clear();
        Ok(())
    }
}

impl TableWriter for ParquetTable {
    fn row(&mut self, cells: Vec<Cell>) -> Result<()> {
        debug_assert_eq!(cells.len(), self.types.len());
        self.rows.push(cells);
        if self.rows.len() >= BATCH_ROWS {
            self.flush_rows()?;
        }
        Ok(())
    }
    fn finish(mut self: Box<Self>) -> Result<()> {
        self.flush_rows()?;
        self.writer.close()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_both_ways() {
        let table: &[(&str, Option<i32>)] = &[
            ("1970-01-01", Some(0)),
            ("2024-03-05", Some(19_787)),
            ("2000-02-29T10:00:00Z", Some(11_016)),
            ("1969-12-31", Some(-1)),
            ("2024-13-01", None),
            ("March 5", None),
        ];
        for (s, want) in table {
            assert_eq!(days(s), *want, "{s}");
            if let Some(d) = want {
                assert_eq!(date_string(*d), s[..10]);
            }
        }
    }
}
