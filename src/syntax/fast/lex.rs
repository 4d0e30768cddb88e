//! The tokens of the fast parser: whitespace and comments, punctuation, keywords, names,
//! numbers, dates and strings, each matched exactly as `grammar/rules.pest` matches it.
//!
//! Every function here that reads a token first skips what pest skips between tokens
//! (`WHITESPACE` and `COMMENT`), and leaves the position at the token's end: a rule's span
//! then ends where its last token ends, as [`super::super::content_len`] trims pest's.

use std::sync::OnceLock;

use pest::unicode::{LETTER, MARK, NUMBER};
use rustc_hash::FxHashSet;

use super::{Parser, R};
use crate::ast::Text;

/// A keyword rule: its spellings, tried in the grammar's order. A space in a spelling stands
/// for `sp`, one or more spaces or tabs. Every keyword ends with `!ident_char`.
pub(super) type Kw = &'static [&'static str];

pub(super) const RULESET: Kw = &["ruleset", "bộ quy tắc"];
pub(super) const CYCLE: Kw = &["cycle", "kỳ"];
pub(super) const EFFECTIVE: Kw = &["effective", "hiệu lực"];
pub(super) const FROM: Kw = &["from", "từ"];
pub(super) const TO: Kw = &["to", "đến"];
pub(super) const BASIS: Kw = &["basis", "căn cứ"];
pub(super) const PARAM: Kw = &["param", "tham số"];
pub(super) const ENUM: Kw = &["enum", "danh mục"];
pub(super) const ENTITY: Kw = &["entity", "đối tượng"];
pub(super) const IN: Kw = &["in", "thuộc"];
pub(super) const DEFAULT: Kw = &["default", "mặc định"];
pub(super) const SCORING: Kw = &["scoring", "bảng điểm"];
pub(super) const FOR: Kw = &["for", "cho"];
pub(super) const MAX: Kw = &["max", "tối đa"];
pub(super) const WEIGHT: Kw = &["weight", "trọng số"];
pub(super) const GROUP: Kw = &["group", "nhóm"];
pub(super) const RATIO: Kw = &["ratio", "định lượng"];
pub(super) const PASS: Kw = &["pass", "định tính"];
pub(super) const EACH: Kw = &["each", "theo lần"];
pub(super) const FORMULA: Kw = &["formula", "công thức"];
pub(super) const ACTUAL: Kw = &["actual", "thực hiện"];
pub(super) const TARGET: Kw = &["target", "kế hoạch"];
pub(super) const WHEN: Kw = &["when", "khi"];
pub(super) const POINTS: Kw = &["points", "điểm"];
pub(super) const PER: Kw = &["per", "mỗi"];
pub(super) const BONUS: Kw = &["bonus", "cộng điểm"];
pub(super) const PENALTY: Kw = &["penalty", "trừ điểm"];
pub(super) const CAP: Kw = &["cap", "tối đa"];
pub(super) const GRADE: Kw = &["grade", "xếp loại"];
pub(super) const OTHERWISE: Kw = &["otherwise", "còn lại"];
pub(super) const RANK: Kw = &["rank", "xếp hạng"];
pub(super) const WITHIN: Kw = &["within", "trong"];
pub(super) const ASC: Kw = &["asc", "tăng dần"];
pub(super) const DESC: Kw = &["desc", "giảm dần"];
pub(super) const MARK_KW: Kw = &["mark", "ghi nhận"];
pub(super) const EXTERN: Kw = &["extern", "bên ngoài"];
pub(super) const TITLE: Kw = &["title", "danh hiệu"];
pub(super) const COMMENDATION: Kw = &["commendation", "khen thưởng"];
pub(super) const AUTHORITY: Kw = &["authority", "thẩm quyền"];
pub(super) const REQUIRE: Kw = &["require", "yêu cầu"];
pub(super) const DISQUALIFY: Kw = &["disqualify", "loại trừ"];
pub(super) const QUOTA: Kw = &["quota", "hạn mức"];
pub(super) const OF: Kw = &["of", "trên"];
pub(super) const ROUND: Kw = &["round", "làm tròn"];
pub(super) const UP: Kw = &["up", "lên"];
pub(super) const DOWN: Kw = &["down", "xuống"];
pub(super) const VOTE: Kw = &["vote", "biểu quyết"];
pub(super) const ALL: Kw = &["all", "tổng số"];
pub(super) const PRESENT: Kw = &["present", "có mặt"];
pub(super) const SECRET: Kw = &["secret", "kín"];
pub(super) const OPEN: Kw = &["open", "công khai"];
pub(super) const REWARD: Kw = &["reward", "mức thưởng"];
pub(super) const AND: Kw = &["and", "và"];
pub(super) const OR: Kw = &["or", "hoặc"];
pub(super) const IF: Kw = &["if", "nếu"];
pub(super) const THEN: Kw = &["then", "thì"];
pub(super) const ELSE: Kw = &["else", "ngược lại"];
pub(super) const HELD: Kw = &["held", "đạt"];
pub(super) const EVER: Kw = &["ever", "từng"];
pub(super) const MEMBERS: Kw = &["members", "thành viên"];
pub(super) const SHARE: Kw = &["share", "tỷ lệ"];
pub(super) const COUNT: Kw = &["count", "số lượng"];
pub(super) const EVERY: Kw = &["all", "tất cả"];
pub(super) const ANY: Kw = &["any", "có ai"];
pub(super) const NONE: Kw = &["none", "không ai"];
pub(super) const SUM: Kw = &["sum", "tổng"];
pub(super) const TRUE: Kw = &["true", "đúng"];
pub(super) const FALSE: Kw = &["false", "sai"];
pub(super) const CYCLES: Kw = &["cycles"];
pub(super) const CONSECUTIVE: Kw = &["consecutive"];
pub(super) const LAST: Kw = &["last"];
pub(super) const VI_WITHIN: Kw = &["trong"];
pub(super) const VI_CONSECUTIVE_CYCLES: Kw = &["kỳ liên tiếp"];
pub(super) const VI_LAST_CYCLES: Kw = &["kỳ gần nhất"];
pub(super) const VI_LAST_CYCLE: Kw = &["kỳ trước"];

/// The reserved words (`keyword` in the grammar), by first letter, in the grammar's order:
/// the first spelling that matches is the one `!ident_char` is checked after.
fn reserved(first: char) -> &'static [&'static str] {
    match first {
        'a' => &["authority", "actual", "all", "and", "any", "asc"],
        'b' => &["biểu quyết", "bảng điểm", "basis", "bonus", "bên ngoài", "bộ quy tắc", "by"],
        'c' => &[
            "commendation",
            "consecutive",
            "cycles",
            "cộng điểm",
            "công thức",
            "công khai",
            "còn lại",
            "căn cứ",
            "cap",
            "cho",
            "có mặt",
            "có ai",
        ],
        'd' => &["disqualify", "default", "danh hiệu", "danh mục", "desc"],
        'e' => &["effective", "entity", "extern", "each", "else", "enum", "ever"],
        'f' => &["formula", "false", "from", "for"],
        'g' => &["giảm dần", "group", "ghi nhận"],
        'h' => &["hiệu lực", "hoặc", "hạn mức", "held"],
        'i' => &["if", "in"],
        'k' => &["không", "khen thưởng", "kín", "kế hoạch", "khi"],
        'l' => &["loại trừ", "last"],
        'm' => &["members", "mặc định", "mỗi", "mức thưởng", "mark"],
        'n' => &["ngược lại", "nhóm", "nếu", "none", "not"],
        'o' => &["otherwise", "open", "of", "or"],
        'p' => &["penalty", "present", "points", "param", "pass", "per"],
        'q' => &["quota"],
        'r' => &["require", "ruleset", "reward", "ratio"],
        's' => &["scoring", "secret", "share", "sai"],
        't' => &[
            "thuộc",
            "trọng số",
            "target",
            "thành viên",
            "thẩm quyền",
            "thực hiện",
            "tổng số",
            "từng",
            "title",
            "trong",
            "trên",
            "trừ điểm",
            "tăng dần",
            "tất cả",
            "tối đa",
            "tham số",
            "then",
            "theo",
            "thì",
            "true",
            "từ",
            "tỷ lệ",
            "to",
        ],
        'v' => &["vote", "và"],
        'w' => &["weight", "within", "when"],
        'y' => &["yêu cầu"],
        'đ' => &["điểm", "định lượng", "định tính", "đúng", "đạt", "đến", "đối tượng"],
        _ => &[],
    }
}

/// Whether `word` is the first word of some reserved word's spelling ([`reserved`]).
fn may_start_reserved(word: &[u8]) -> bool {
    static FIRST_WORDS: OnceLock<FxHashSet<&'static [u8]>> = OnceLock::new();
    FIRST_WORDS
        .get_or_init(|| {
            ('A'..='Z')
                .chain('a'..='z')
                .chain(['đ'])
                .flat_map(reserved)
                .filter_map(|spelling| spelling.split(' ').next())
                .map(str::as_bytes)
                .collect()
        })
        .contains(word)
}

/// `ident_char` beyond ASCII: a Unicode letter, mark or number.
fn is_wide_ident_char(c: char) -> bool {
    LETTER(c) || MARK(c) || NUMBER(c)
}

impl Parser<'_> {
    /// Skip whitespace and comments, as pest does between the tokens of a rule.
    ///
    /// A byte-order mark is whitespace to pest, but [`content_len`] does not trim one from
    /// the end of a span; one past the start of the text sets [`Parser::bom`], and the file
    /// is left to pest. The last skip is remembered, since a failed choice skips the same
    /// whitespace again.
    ///
    /// [`content_len`]: super::super::content_len
    pub(super) fn skip(&mut self) {
        if self.pos == self.skipped.0 {
            self.pos = self.skipped.1;
            return;
        }
        // Where the last skip stopped there is nothing to skip; keep its memo for a retry
        // from where it started.
        if self.pos == self.skipped.1 {
            return;
        }
        let from = self.pos;
        while let Some(&b) = self.bytes.get(self.pos) {
            match b {
                b' ' | b'\t' | b'\n' | b'\r' => self.pos += 1,
                b'#' => self.comment(),
                b'/' if self.bytes.get(self.pos + 1) == Some(&b'/') => self.comment(),
                0xEF if self.bytes.get(self.pos..self.pos + 3) == Some("\u{FEFF}".as_bytes()) => {
                    self.bom |= self.pos > 0;
                    self.pos += 3;
                }
                _ => break,
            }
        }
        self.skipped = (from, self.pos);
    }

    /// A comment runs to the end of the line, the line break excluded.
    fn comment(&mut self) {
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        self.pos += rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
    }

    /// Whether the character at `at` continues a name (`ident_char`).
    pub(super) fn ident_char_at(&self, at: usize) -> bool {
        match self.bytes.get(at) {
            None => false,
            Some(&b) if b.is_ascii() => b.is_ascii_alphanumeric() || b == b'_',
            Some(_) => self.char_at(at).is_some_and(is_wide_ident_char),
        }
    }

    fn char_at(&self, at: usize) -> Option<char> {
        self.text.get(at..).and_then(|s| s.chars().next())
    }

    /// Where `spelling` ends if it is written at `at`, a space matching one or more spaces or
    /// tabs. Compared byte by byte: keywords are short, and most differ at the first byte.
    fn spelled(&self, mut at: usize, spelling: &str) -> Option<usize> {
        for &c in spelling.as_bytes() {
            if c == b' ' {
                let gap = self.gap(at);
                if gap == 0 {
                    return None;
                }
                at += gap;
            } else if self.bytes.get(at) == Some(&c) {
                at += 1;
            } else {
                return None;
            }
        }
        Some(at)
    }

    /// How many spaces and tabs start at `at` (`sp`, when more than none).
    fn gap(&self, at: usize) -> usize {
        self.bytes
            .get(at..)
            .map_or(0, |r| r.iter().take_while(|&&b| b == b' ' || b == b'\t').count())
    }

    /// Whether `spelling` followed by `!ident_char` is written at `at`.
    fn word_at(&self, at: usize, spelling: &str) -> bool {
        self.spelled(at, spelling).is_some_and(|end| !self.ident_char_at(end))
    }

    /// A keyword rule; returns where it starts.
    pub(super) fn kw(&mut self, spellings: Kw) -> R<usize> {
        self.skip();
        let start = self.pos;
        for spelling in spellings {
            if let Some(end) = self.spelled(start, spelling) {
                if self.ident_char_at(end) {
                    return None;
                }
                self.pos = end;
                return Some(start);
            }
        }
        None
    }

    /// `kw_by`: `by`, or `theo` unless `lần` follows (`theo lần` is `each`).
    pub(super) fn kw_by(&mut self) -> R<usize> {
        self.kw_unless(&["by", "theo"], "theo", " lần")
    }

    /// `kw_not`: `not`, or `không` unless `ai` follows (`không ai` is the aggregate `none`).
    pub(super) fn kw_not(&mut self) -> R<usize> {
        self.kw_unless(&["not", "không"], "không", " ai")
    }

    /// A keyword whose spelling `word` must not be followed by `sp` and `then` (a word).
    fn kw_unless(&mut self, spellings: Kw, word: &str, then: &str) -> R<usize> {
        self.skip();
        let start = self.pos;
        for spelling in spellings {
            if let Some(end) = self.spelled(start, spelling) {
                if *spelling == word && self.word_at(end, then) {
                    continue;
                }
                if self.ident_char_at(end) {
                    return None;
                }
                self.pos = end;
                return Some(start);
            }
        }
        None
    }

    /// Whether a reserved word (`keyword`) starts at `at`.
    pub(super) fn reserved_at(&self, at: usize) -> bool {
        // Every reserved word starts with an ASCII letter or `đ`.
        let first = match self.bytes.get(at) {
            Some(&b) if b.is_ascii() => char::from(b),
            Some(0xC4) if self.bytes.get(at + 1) == Some(&0x91) => 'đ',
            _ => return false,
        };
        // The first byte matches every spelling of the list; the second rules most out.
        let second = self.bytes.get(at + 1);
        reserved(first)
            .iter()
            .filter(|spelling| spelling.as_bytes().get(1) == second)
            .find_map(|spelling| self.spelled(at, spelling))
            .is_some_and(|end| !self.ident_char_at(end))
    }

    /// Punctuation; returns where it starts.
    pub(super) fn punct(&mut self, p: &[u8]) -> R<usize> {
        self.skip();
        if self.bytes.get(self.pos..).is_some_and(|r| r.starts_with(p)) {
            let start = self.pos;
            self.pos += p.len();
            Some(start)
        } else {
            None
        }
    }

    /// `ident`: a name that is not a reserved word. Returns its start and end.
    pub(super) fn ident_range(&mut self) -> R<(usize, usize)> {
        self.skip();
        let start = self.pos;
        let first_len = match self.bytes.get(start) {
            Some(&b) if b.is_ascii_alphabetic() || b == b'_' => 1,
            Some(&b) if !b.is_ascii() => match self.char_at(start) {
                Some(c) if LETTER(c) => c.len_utf8(),
                _ => return None,
            },
            _ => return None,
        };
        let mut at = start + first_len;
        while let Some(&b) = self.bytes.get(at) {
            if b.is_ascii() {
                if !(b.is_ascii_alphanumeric() || b == b'_') {
                    break;
                }
                at += 1;
            } else {
                match self.char_at(at) {
                    Some(c) if is_wide_ident_char(c) => at += c.len_utf8(),
                    _ => break,
                }
            }
        }
        // A reserved word written here would make its first word this whole name (a keyword
        // ends with `!ident_char`, and a space follows each word of one of several words):
        // most names are no such word, and need no comparison with the spellings.
        if self.bytes.get(start..at).is_some_and(may_start_reserved) && self.reserved_at(start) {
            return None;
        }
        self.pos = at;
        Some((start, at))
    }

    /// `integer`: ASCII digits not followed by a name character. Returns its start and end.
    pub(super) fn integer(&mut self) -> R<(usize, usize)> {
        self.skip();
        let start = self.pos;
        let end = start + self.digits(start);
        if end == start || self.ident_char_at(end) {
            return None;
        }
        self.pos = end;
        Some((start, end))
    }

    fn digits(&self, at: usize) -> usize {
        self.bytes.get(at..).map_or(0, |r| r.iter().take_while(|b| b.is_ascii_digit()).count())
    }

    /// Where a `number` written at `at` ends, if one is.
    pub(super) fn number_end(&self, at: usize) -> Option<usize> {
        if !self.bytes.get(at)?.is_ascii_digit() {
            return None;
        }
        let mut end = at + 1;
        end += self
            .bytes
            .get(end..)
            .map_or(0, |r| r.iter().take_while(|&&b| b.is_ascii_digit() || b == b'_').count());
        if self.bytes.get(end) == Some(&b'.') {
            let frac = self.digits(end + 1);
            if frac > 0 {
                end += 1 + frac;
            }
        }
        (!self.ident_char_at(end)).then_some(end)
    }

    /// Where a `date` written at `at` ends, if one is: `YYYY-MM-DD`, not followed by a name
    /// character.
    pub(super) fn date_end(&self, at: usize) -> Option<usize> {
        let shape = self.bytes.get(at..at + 10)?;
        let ok = shape.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        });
        (ok && !self.ident_char_at(at + 10)).then_some(at + 10)
    }

    /// A `string` at `at`: where it ends and its value, unescaped.
    pub(super) fn string_at(&self, at: usize) -> Option<(usize, Text)> {
        if self.bytes.get(at) != Some(&b'"') {
            return None;
        }
        let body = at + 1;
        let mut i = body;
        let mut escaped = false;
        loop {
            // Labels and legal bases run to tens of bytes: find the next byte that matters
            // with `memchr` rather than byte by byte.
            i += memchr::memchr3(b'"', b'\n', b'\\', self.bytes.get(i..)?)?;
            match self.bytes.get(i)? {
                b'"' => break,
                b'\n' => return None,
                _ => match self.bytes.get(i + 1)? {
                    b'"' | b'\\' | b'n' => {
                        escaped = true;
                        i += 2;
                    }
                    _ => return None,
                },
            }
        }
        let inner = self.text.get(body..i)?;
        let value =
            if escaped { super::super::lower::unescape(inner).into() } else { inner.into() };
        Some((i + 1, value))
    }

    /// Whether a `vi_times` (`K lần`) starts at `at`: where its number and it end.
    pub(super) fn vi_times_at(&self, at: usize) -> Option<((usize, usize), usize)> {
        let digits = self.digits(at);
        if digits == 0 || self.ident_char_at(at + digits) {
            return None;
        }
        let end = self.spelled(at + digits, " lần")?;
        (!self.ident_char_at(end)).then_some(((at, at + digits), end))
    }
}
