//! One saved web page to one article: its main text (rs-trafilatura, which measured best on
//! real article pages: `newsie eval articles`), title, publication date, url and site.

use regex::Regex;
use serde_json::{Map, Value};
use std::sync::OnceLock;

/// A page with fewer words of main text than this has no article (an index, a login wall, an
/// error page): trafilatura keeps a stray caption or footer line there.
pub const MIN_WORDS: usize = 10;

/// What a page holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// The main text, paragraphs separated by a blank line.
    pub text: String,
    /// The kept fields: `title`, `date` (ISO 8601, `YYYY-MM-DD`), `url`, `source` (the host).
    pub meta: Map<String, Value>,
}

/// Reads a page. `url` is where it was fetched (a WARC record's target), which wins over the
/// page's own canonical link. `None` when the page holds no article text.
pub fn read(html: &[u8], url: Option<&str>) -> Option<Page> {
    let options = rs_trafilatura::Options {
        url: url.map(str::to_string),
        ..Default::default()
    };
    let got = rs_trafilatura::extract_bytes_with_options(html, &options).ok()?;
    let m = got.metadata;
    let text = clean(&got.content_text, m.title.as_deref());
    if text.split_whitespace().count() < MIN_WORDS {
        return None;
    }
    let url = url.map(str::to_string).or(m.url);
    let date = m
        .date
        .map(|d| d.format("%Y-%m-%d").to_string())
        .or_else(|| date_in_html(html))
        .or_else(|| url.as_deref().and_then(date_in_url));
    let source = url
        .as_deref()
        .and_then(host)
        .or(m.hostname.map(|h| h.trim_start_matches("www.").to_string()));
    let mut meta = Map::new();
    for (k, v) in [
        ("title", m.title),
        ("date", date),
        ("url", url),
        ("source", source),
    ] {
        if let Some(v) = v.filter(|v| !v.trim().is_empty()) {
            meta.insert(k.into(), Value::String(v.trim().to_string()));
        }
    }
    Some(Page { text, meta })
}

/// The main text as paragraphs, a blank line between, without what the extractor lets through
/// on many news sites: the headline repeated, bylines and datelines, advertisement and gallery
/// labels, credits, newsletter calls, and "more stories" lists with their headlines.
pub fn clean(text: &str, title: Option<&str>) -> String {
    let key = |s: &str| crate::text::plain_words(s).collect::<Vec<_>>().join(" ");
    let title = title.map(key).unwrap_or_default();
    let mut out: Vec<&str> = Vec::new();
    let mut in_list = false;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let k = key(line);
        if k.is_empty() || (!title.is_empty() && k == title) {
            continue;
        }
        if starts_list(&k) {
            in_list = true;
            continue;
        }
        if in_list && headline_like(line) {
            continue;
        }
        in_list = false;
        if boilerplate(line, &k) {
            continue;
        }
        out.push(line);
    }
    out.join("\n\n")
}

/// A label that opens a list of other stories.
fn starts_list(k: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(
            r"^(you may also (like|be interested in)|you might also like|related( (posts?|articles?|stories|content|coverage|tags|news))?|more (great )?\w* ?stories|more (from|in|on) \w+( \w+)?|popular on \w+( \w+)?|don t miss|read more|recommended( for you)?|trending( now)?|most (read|popular)|explore further|tags|see also|also read)$",
        )
        .expect("list pattern")
    });
    re.is_match(k) || k == "関連記事"
}

/// A line of a list of links: short, without a sentence's closing stop.
fn headline_like(line: &str) -> bool {
    line.split_whitespace().count() <= 20 && !line.ends_with(['.', '!', '?', '"', '”', '.'])
}

/// A line that is no part of the story: a label, a byline or dateline, a credit, a call to
/// subscribe or comment.
fn boilerplate(line: &str, k: &str) -> bool {
    static LABEL: OnceLock<Regex> = OnceLock::new();
    static SHORT: OnceLock<Regex> = OnceLock::new();
    let label = LABEL.get_or_init(|| {
        Regex::new(
            r"^(advertisement|advert|ad|sponsored( links| content)?|back to gallery|photo gallery|\d* ?(post )?comments?|leave a (reply|comment)( cancel reply)?|share( this( article| story)?)?|print|email|citation|previous post|next post)$",
        )
        .expect("label pattern")
    });
    if label.is_match(k) {
        return true;
    }
    let words = k.split(' ').count();
    if line.starts_with('©')
        || k.starts_with("copyright ")
        || k.starts_with("this document is subject to copyright")
    {
        return words <= 40;
    }
    // read on the line itself: a byline has no sentence stop, a credit its colon
    let short = SHORT.get_or_init(|| {
        Regex::new(
            r"(?i)^(by\s[^.!?]{2,60}$|(updated|published|first published|posted)\b.*(:|\d)|(photo|image|picture|photograph|credit)s?( credit)?\s*[:/|]|reach the reporters?\b|follow (us|him|her) on\b|tempo de leitura|sign up\b|subscribe\b)|(sign up for|subscribe to) (our|the) .*newsletter|logged in to post|protected by recaptcha",
        )
        .expect("short-line pattern")
    });
    let sentence = line.ends_with(['.', '!', '?', '"', '”']);
    let dateline = dated(line) && (!sentence || clock(line));
    words <= 25 && (short.is_match(line) || (words <= 12 && dateline))
}

/// A time of day ("11:08"): datelines have one, a story's sentence about a date seldom does.
fn clock(line: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\b\d{1,2}:\d{2}\b").expect("clock pattern"))
        .is_match(line)
}

/// A date in a line: "18 Nov 2019", "November 18, 2019", "2019-11-18", "05/10/2018".
fn dated(line: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(
            r"(?i)\b(\d{1,2} (jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]* \d{4}|(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]* \d{1,2}(st|nd|rd|th)?,? \d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4})\b",
        )
        .expect("date pattern")
    });
    re.is_match(line)
}

/// The site of a url: its host without "www.".
fn host(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit('@').next()?.split(':').next()?;
    (!host.is_empty()).then(|| host.trim_start_matches("www.").to_ascii_lowercase())
}

fn ymd(y: &str, m: &str, d: &str) -> Option<String> {
    let (y, m, d): (u32, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    ((1990..=2100).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d))
        .then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// A `<time datetime="…">` or a published-time meta tag the metadata reader missed.
fn date_in_html(html: &[u8]) -> Option<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(
            r#"(?:<time[^>]*\bdatetime|published_time"\s+content|"datePublished"\s*:\s*)=?\s*"(\d{4})-(\d{2})-(\d{2})"#,
        )
        .expect("date pattern")
    });
    let html = String::from_utf8_lossy(&html[..html.len().min(1 << 20)]);
    let c = re.captures(&html)?;
    ymd(&c[1], &c[2], &c[3])
}

/// `/2019/11/18/`, `/2019-11-18` or `/20191118/` in a url's path.
fn date_in_url(url: &str) -> Option<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"/((?:19|20)\d{2})[/-]?(\d{2})[/-]?(\d{2})(?:[/_.-]|$)").expect("url date")
    });
    let c = re.captures(url)?;
    ymd(&c[1], &c[2], &c[3])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_cleaning_drops() {
        // (line, kept after a paragraph of story)
        let table: &[(&str, bool)] = &[
            ("The council voted on Monday to close the bridge.", true),
            ("ADVERTISEMENT", false),
            ("Back to Gallery", false),
            ("By FEDERICA LUSIARDI - 2019-04-10", false),
            ("Updated: 18 Nov 2019,", false),
            ("November 20, 2019 - 11:28 AMT", false),
            ("© Aaron Schwartz", false),
            ("Get the latest updates right in your inbox. Subscribe to our newsletters.", false),
            ("Talks resumed on 18 Nov 2019 after a week in which both sides traded accusations over the border and the strikes.", true),
            ("Workers said they would subscribe to the new plan only if the company raised wages for all of them.", true),
            ("By the end of the year, the council will have spent $3m on repairs.", true),
            ("Imagine a bridge that nobody can cross.", true),
            ("Photographers were kept out of the hall.", true),
            ("The vote is set for March 5, 2024.", true),
            ("Photo: Maria Lopez / The Herald", false),
            ("By Maria Lopez", false),
            ("on Monday, November 18th, 2019 at 11:08 a.m.", false),
        ];
        let story = "A story about the council and the bridge that it closed.";
        for (line, kept) in table {
            let got = clean(&format!("{story}\n{line}"), Some("The headline"));
            assert_eq!(got.contains(line), *kept, "{line}");
        }
        // the headline repeated, then a list of other stories after its label
        let text = "The headline\nFirst paragraph of the story.\nYou may also like:\nOther story one\nOther story two\nA closing paragraph of the story, after the list.";
        assert_eq!(
            clean(text, Some("The Headline")),
            "First paragraph of the story.\n\nA closing paragraph of the story, after the list."
        );
    }

    #[test]
    fn dates_in_urls() {
        let table: &[(&str, Option<&str>)] = &[
            ("https://a.com/2019/11/18/story-x/", Some("2019-11-18")),
            (
                "https://a.com/news/2021-03-04-vote.html",
                Some("2021-03-04"),
            ),
            ("https://a.com/20200229/a.html", Some("2020-02-29")),
            ("https://a.com/2019/13/18/x", None),
            ("https://a.com/story/123456789", None),
            ("https://a.com/", None),
        ];
        for (url, want) in table {
            assert_eq!(date_in_url(url).as_deref(), *want, "{url}");
        }
    }

    #[test]
    fn hosts() {
        let table: &[(&str, Option<&str>)] = &[
            ("https://www.Reuters.com/world/x", Some("reuters.com")),
            (
                "http://user@news.example.org:8080/a?b",
                Some("news.example.org"),
            ),
            ("not a url", None),
        ];
        for (url, want) in table {
            assert_eq!(host(url).as_deref(), *want, "{url}");
        }
    }

    #[test]
    fn dates_in_html() {
        let table: &[(&str, Option<&str>)] = &[
            (
                r#"<time class="x" datetime="2020-05-06T10:00">"#,
                Some("2020-05-06"),
            ),
            (
                r#"<meta property="article:published_time" content="2018-01-02">"#,
                Some("2018-01-02"),
            ),
            (
                r#"{"datePublished": "2017-07-08T00:00:00Z"}"#,
                Some("2017-07-08"),
            ),
            ("<p>2017-07-08</p>", None),
        ];
        for (html, want) in table {
            assert_eq!(date_in_html(html.as_bytes()).as_deref(), *want, "{html}");
        }
    }
}
