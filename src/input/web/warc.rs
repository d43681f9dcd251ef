//! WARC archives (ISO 28500; Common Crawl's CC-NEWS layout): the HTML `response` records, one
//! at a time, so memory holds one record whatever the archive's size. Other records are skipped
//! and counted by why.

use std::collections::BTreeMap;
use std::io::{BufRead, Read};

/// Records larger than this are skipped unread: no news page is, and it bounds memory.
pub const MAX_RECORD_BYTES: u64 = 64 << 20;

/// One HTML page out of an archive.
#[derive(Debug, Clone, PartialEq)]
pub struct WarcPage {
    /// `WARC-Record-ID` without its angle brackets (`urn:uuid:…`).
    pub id: String,
    /// `WARC-Target-URI`.
    pub url: Option<String>,
    /// The HTTP body, transfer and content encodings undone.
    pub html: Vec<u8>,
}

/// What reading the next record gave.
#[derive(Debug, Clone, PartialEq)]
pub enum WarcItem {
    /// An HTML response.
    Page(WarcPage),
    /// The archive ends inside a record, or is not WARC from here on: reading stops.
    Torn {
        /// The record's id when its header was read.
        id: Option<String>,
        /// What was found.
        message: String,
    },
}

/// Records read and skipped, by why (`request`, `non-HTML response`, …).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WarcCounts {
    /// Every record met, a torn one included.
    pub records: u64,
    /// HTML responses handed on as pages.
    pub pages: u64,
    /// The others, by reason.
    pub skipped: BTreeMap<String, u64>,
}

impl WarcCounts {
    /// "5 records: 3 pages; skipped 1 request, 1 non-HTML response".
    pub fn summary(&self) -> String {
        let mut s = format!("{} records: {} pages", self.records, self.pages);
        if !self.skipped.is_empty() {
            let parts: Vec<String> = self
                .skipped
                .iter()
                .map(|(why, n)| format!("{n} {why}"))
                .collect();
            s += &format!("; skipped {}", parts.join(", "));
        }
        s
    }

    fn skip(&mut self, why: impl Into<String>) {
        *self.skipped.entry(why.into()).or_default() += 1;
    }
}

/// Reads the records of one archive (decompressed already: `.warc.gz` is a run of gzip
/// members, which `MultiGzDecoder` joins).
pub struct WarcReader<R> {
    r: R,
    done: bool,
    /// What has been read so far.
    pub counts: WarcCounts,
}

impl<R: BufRead> WarcReader<R> {
    /// A reader at the archive's start.
    pub fn new(r: R) -> Self {
        WarcReader {
            r,
            done: false,
            counts: WarcCounts::default(),
        }
    }

    fn torn(&mut self, id: Option<String>, message: String) -> Option<WarcItem> {
        self.done = true;
        Some(WarcItem::Torn { id, message })
    }
}

impl<R: BufRead> Iterator for WarcReader<R> {
    type Item = WarcItem;

    fn next(&mut self) -> Option<WarcItem> {
        while !self.done {
            // The version line, after the blank lines that close the record before.
            let mut line = String::new();
            loop {
                line.clear();
                match self.r.read_line(&mut line) {
                    Ok(0) => return None,
                    Ok(_) if line.trim().is_empty() => continue,
                    Ok(_) => break,
                    Err(e) => return self.torn(None, format!("cannot read on: {e}")),
                }
            }
            if !line.starts_with("WARC/") {
                let start: String = line.trim().chars().take(40).collect();
                return self.torn(None, format!("not a WARC record header: {start:?}"));
            }
            self.counts.records += 1;
            let mut headers = BTreeMap::new();
            loop {
                line.clear();
                match self.r.read_line(&mut line) {
                    Ok(0) => return self.torn(record_id(&headers), cut(&headers)),
                    Ok(_) if line.trim().is_empty() => break,
                    Ok(_) => {
                        if let Some((k, v)) = line.split_once(':') {
                            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
                        }
                    }
                    Err(e) => return self.torn(None, format!("cannot read on: {e}")),
                }
            }
            let id = record_id(&headers);
            let Some(len) = headers
                .get("content-length")
                .and_then(|v| v.parse::<u64>().ok())
            else {
                return self.torn(id, "a record without Content-Length".into());
            };
            let kind = headers
                .get("warc-type")
                .cloned()
                .unwrap_or_else(|| "untyped".into());
            if kind != "response" || len > MAX_RECORD_BYTES {
                let skipped = std::io::copy(&mut (&mut self.r).take(len), &mut std::io::sink());
                if !matches!(skipped, Ok(n) if n == len) {
                    return self.torn(id, cut(&headers));
                }
                self.counts.skip(if kind != "response" {
                    kind
                } else {
                    "record over 64 MiB".into()
                });
                continue;
            }
            let mut block = Vec::with_capacity(len as usize);
            match (&mut self.r).take(len).read_to_end(&mut block) {
                Ok(n) if n as u64 == len => {}
                _ => return self.torn(id, cut(&headers)),
            }
            match http_html(&block) {
                Ok(html) => {
                    self.counts.pages += 1;
                    return Some(WarcItem::Page(WarcPage {
                        id: id.unwrap_or_default(),
                        url: headers.remove("warc-target-uri"),
                        html,
                    }));
                }
                Err(why) => self.counts.skip(why),
            }
        }
        None
    }
}

fn record_id(headers: &BTreeMap<String, String>) -> Option<String> {
    headers
        .get("warc-record-id")
        .map(|v| v.trim_matches(['<', '>']).to_string())
}

fn cut(headers: &BTreeMap<String, String>) -> String {
    match headers.get("warc-target-uri") {
        Some(u) => format!("the archive ends inside the record of {u}"),
        None => "the archive ends inside a record".into(),
    }
}

/// The HTML body of an HTTP response, or why it is none (the reason it is counted under).
fn http_html(block: &[u8]) -> Result<Vec<u8>, &'static str> {
    let end = find(block, b"\r\n\r\n")
        .map(|i| i + 4)
        .or_else(|| find(block, b"\n\n").map(|i| i + 2))
        .ok_or("response without HTTP headers")?;
    let head = String::from_utf8_lossy(&block[..end]);
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or("response without HTTP status")?;
    if status != 200 {
        return Err("non-200 response");
    }
    let header = |name: &str| {
        head.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_ascii_lowercase())
        })
    };
    let mut body = block[end..].to_vec();
    if header("transfer-encoding").is_some_and(|t| t.contains("chunked")) {
        body = dechunk(&body).ok_or("bad chunked body")?;
    }
    match header("content-encoding").as_deref() {
        Some("gzip") | Some("x-gzip") => {
            let mut out = Vec::new();
            flate2::read::MultiGzDecoder::new(&body[..])
                .read_to_end(&mut out)
                .map_err(|_| "bad gzip body")?;
            body = out;
        }
        Some("deflate") => {
            let mut out = Vec::new();
            flate2::read::ZlibDecoder::new(&body[..])
                .read_to_end(&mut out)
                .map_err(|_| "bad deflate body")?;
            body = out;
        }
        Some("identity") | None => {}
        Some(_) => return Err("unknown content encoding"),
    }
    let html_type = header("content-type")
        .map(|t| t.contains("html"))
        .unwrap_or_else(|| starts_like_html(&body));
    if !html_type {
        return Err("non-HTML response");
    }
    Ok(body)
}

fn starts_like_html(body: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&body[..body.len().min(512)]).to_ascii_lowercase();
    head.trim_start().starts_with("<!doctype html") || head.contains("<html")
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn dechunk(mut body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let eol = find(body, b"\r\n")?;
        let size = std::str::from_utf8(&body[..eol]).ok()?;
        let size = usize::from_str_radix(size.split(';').next()?.trim(), 16).ok()?;
        body = &body[eol + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(body.get(..size)?);
        body = body.get(size + 2..)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(kind: &str, id: &str, uri: &str, block: &[u8]) -> Vec<u8> {
        let mut r = format!(
            "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{id}>\r\n\
             WARC-Target-URI: {uri}\r\nContent-Length: {}\r\n\r\n",
            block.len()
        )
        .into_bytes();
        r.extend_from_slice(block);
        r.extend_from_slice(b"\r\n\r\n");
        r
    }

    fn items(bytes: &[u8]) -> (Vec<WarcItem>, WarcCounts) {
        let mut r = WarcReader::new(bytes);
        let items: Vec<WarcItem> = r.by_ref().collect();
        (items, r.counts)
    }

    #[test]
    fn responses_by_kind() {
        // (HTTP block, the page's body or the reason it is skipped)
        let table: &[(&[u8], Result<&str, &str>)] = &[
            (
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>x</p>",
                Ok("<p>x</p>"),
            ),
            (
                b"HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\n\r\n%PDF",
                Err("non-HTML response"),
            ),
            (
                b"HTTP/1.1 301 Moved\r\nLocation: /a\r\n\r\n",
                Err("non-200 response"),
            ),
            (
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n<p>x\r\n4\r\n</p>\r\n0\r\n\r\n",
                Ok("<p>x</p>"),
            ),
            (b"HTTP/1.0 200 OK\n\n<!DOCTYPE html><p>y", Ok("<!DOCTYPE html><p>y")),
        ];
        for (block, want) in table {
            let got = http_html(block);
            let got = got
                .as_ref()
                .map(|b| String::from_utf8_lossy(b).into_owned());
            assert_eq!(got.as_deref().map_err(|e| *e), want.as_ref().copied());
        }
    }

    #[test]
    fn records_skipped_counted_and_a_torn_end() {
        let page = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>news</p>";
        let mut bytes = record("warcinfo", "0", "", b"software: x\r\n");
        bytes.extend(record(
            "request",
            "1",
            "http://a.com/x",
            b"GET /x HTTP/1.1\r\n\r\n",
        ));
        bytes.extend(record("response", "2", "http://a.com/x", page));
        bytes.extend(record(
            "metadata",
            "3",
            "http://a.com/x",
            b"fetchTimeMs: 1\r\n",
        ));
        let whole = items(&bytes);
        assert_eq!(
            whole.1.summary(),
            "4 records: 1 pages; skipped 1 metadata, 1 request, 1 warcinfo"
        );
        let WarcItem::Page(p) = &whole.0[0] else {
            panic!("{:?}", whole.0)
        };
        assert_eq!(
            (p.id.as_str(), p.url.as_deref()),
            ("urn:uuid:2", Some("http://a.com/x"))
        );
        // cut inside the last record: the pages before stay, then one torn item naming it
        let torn = record("response", "4", "http://a.com/y", page);
        bytes.extend_from_slice(&torn[..torn.len() - 20]);
        let (got, counts) = items(&bytes);
        assert_eq!(got.len(), 2);
        assert_eq!(
            got[1],
            WarcItem::Torn {
                id: Some("urn:uuid:4".into()),
                message: "the archive ends inside the record of http://a.com/y".into()
            }
        );
        assert_eq!((counts.pages, counts.records), (1, 5));
        // cut inside the headers, before the record's id
        let mut bytes = record("request", "1", "http://a.com/x", b"GET / HTTP/1.1\r\n\r\n");
        bytes.extend_from_slice(b"WARC/1.0\r\nWARC-Type: response\r\n");
        let (got, counts) = items(&bytes);
        assert_eq!(counts.records, 2);
        assert!(
            matches!(&got[0], WarcItem::Torn { id: None, .. }),
            "{got:?}"
        );
    }
}
