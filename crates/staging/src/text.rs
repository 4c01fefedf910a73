//! The text layer shared by both extractors: tokens with byte offsets, sentences, clauses,
//! negation scopes (a small NegEx), phrase matching and size parsing.
//!
//! Everything here works on an ASCII-lowercased copy of the input, which keeps byte offsets
//! identical to the input, so every span the extractors make is an exact substring.

use std::ops::Range;

use crate::span::Span;

/// What kind of token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A run of letters and digits (`suvmax`, `4r`, `t10`).
    Word,
    /// A decimal number (`3.6`, `20`).
    Num,
    /// One punctuation character (`,` `.` `;` `(` `×` `≤`).
    Punct,
}

/// One token.
#[derive(Debug, Clone)]
pub(crate) struct Tok {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) kind: Kind,
    /// A line break lies between the previous token and this one.
    pub(crate) newline_before: bool,
}

/// A tokenised text with sentences, clauses and negation flags.
pub(crate) struct Doc<'a> {
    pub(crate) text: &'a str,
    lower: String,
    pub(crate) toks: Vec<Tok>,
    /// Token ranges of sentences.
    pub(crate) sents: Vec<Range<usize>>,
    /// Token ranges of clauses (sentences cut at `;`, `:`, `but`, `however`…), in order.
    pub(crate) clauses: Vec<Range<usize>>,
    /// Whether each token lies in the scope of a negation.
    pub(crate) neg: Vec<bool>,
    /// Parenthesis depth of each token.
    depth: Vec<u32>,
}

const ABBREVIATIONS: &[&str] = &["vs", "approx", "cf", "eg", "ie", "dr", "fig", "incl"];
const CLAUSE_WORDS: &[&str] = &[
    "but", "however", "although", "though", "whereas", "while", "except",
];
const COPULAS: &[&str] = &[
    "is", "are", "was", "were", "be", "been", "remain", "remains", "appears", "appear",
];
/// Negation triggers that scope forward.
const PRE_NEG: &[&str] = &[
    "no",
    "not",
    "without",
    "negative for",
    "clear of",
    "free of",
    "absence of",
    "nor",
    "neither",
    "rather than",
    "never",
    "nothing",
    "none",
    "non",
    "nil",
    "free from",
];
/// Negation triggers that scope backward (to the start of the clause).
const POST_NEG: &[&str] = &[
    "resolved",
    "no longer",
    "unremarkable",
    "not enlarged",
    "not involved",
    "uninvolved",
    "not seen",
    "not identified",
    "not visualised",
    "not visualized",
    "absent",
    "excluded",
    "ruled out",
    "spared",
    "clear",
    "normal",
];
/// What follows a backward negation when it speaks of the earlier scan, not this one.
const EARLIER_SCAN: &[&str] = &[
    "at baseline",
    "on baseline",
    "at the baseline",
    "on the baseline",
    "at staging",
    "on staging",
    "previously",
    "before treatment",
    "on the prior",
    "on prior",
    "on the previous",
    "on previous",
    "at the previous",
];
/// Phrases that start like a negation trigger but describe a property of what follows.
const NOT_NEGATION: &[&str] = &[
    "non contiguous",
    "noncontiguous",
    "non bloody",
    "non haemorrhagic",
    "non hemorrhagic",
];
/// Words that head a finding; a comma between two findings ends a backward negation scope.
pub(crate) const HEAD_NOUNS: &[&str] = &[
    "node*",
    "lymph*",
    "mass",
    "masses",
    "lesion*",
    "nodul*",
    "adenopathy",
    "tumour*",
    "tumor*",
    "metasta*",
    "focus",
    "foci",
    "effusion*",
    "thickening",
    "disease",
    "uptake",
    "opacit*",
    "spleen",
    "liver",
    "marrow",
    "consolidation",
];

impl<'a> Doc<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let lower = text.to_ascii_lowercase();
        let toks = tokenize(text);
        let mut doc = Doc {
            text,
            lower,
            neg: vec![false; toks.len()],
            depth: vec![0; toks.len()],
            toks,
            sents: Vec::new(),
            clauses: Vec::new(),
        };
        doc.segment();
        doc.negate();
        doc
    }

    /// The lowercased text of token `i`.
    pub(crate) fn w(&self, i: usize) -> &str {
        let t = &self.toks[i];
        &self.lower[t.start..t.end]
    }

    /// Token `i` is the punctuation character `c`.
    pub(crate) fn is_punct(&self, i: usize, c: &str) -> bool {
        self.toks[i].kind == Kind::Punct && self.w(i) == c
    }

    /// Span from the start of token `a` to the end of token `b` (inclusive).
    pub(crate) fn span(&self, a: usize, b: usize) -> Span {
        Span::of(self.text, self.toks[a].start, self.toks[b].end)
    }

    /// Span of a clause with trailing punctuation trimmed.
    pub(crate) fn clause_span(&self, r: &Range<usize>) -> Span {
        let mut a = r.start;
        let mut b = r.end - 1;
        while a < b && self.toks[a].kind == Kind::Punct {
            a += 1;
        }
        while b > a && self.toks[b].kind == Kind::Punct && self.w(b) != ")" {
            b -= 1;
        }
        self.span(a, b)
    }

    /// Does `pattern` (space-separated words, `*` = prefix) match at token `i`? Returns the
    /// index one past the last matched token. Punctuation between words is not skipped, except
    /// that `pattern` words never match punctuation tokens.
    pub(crate) fn match_at(&self, i: usize, pattern: &str) -> Option<usize> {
        let mut j = i;
        for p in pattern.split_whitespace() {
            if j >= self.toks.len() || !word_matches(self.w(j), p) {
                return None;
            }
            j += 1;
        }
        Some(j)
    }

    /// The first pattern of `patterns` matching at `i`, longest first, as (end, pattern index).
    pub(crate) fn match_any(&self, i: usize, patterns: &[&str]) -> Option<(usize, usize)> {
        patterns
            .iter()
            .enumerate()
            .filter_map(|(k, p)| self.match_at(i, p).map(|e| (e, k)))
            .max_by_key(|&(e, k)| (e, std::cmp::Reverse(k)))
    }

    /// All matches of `patterns` in `range`, as (start, end, pattern index), not overlapping.
    pub(crate) fn find_all(
        &self,
        range: Range<usize>,
        patterns: &[&str],
    ) -> Vec<(usize, usize, usize)> {
        let mut out = Vec::new();
        let mut i = range.start;
        while i < range.end {
            match self.match_any(i, patterns) {
                Some((e, k)) if e <= range.end => {
                    out.push((i, e, k));
                    i = e;
                }
                _ => i += 1,
            }
        }
        out
    }

    /// Some pattern of `patterns` matches in `range` at a token that is not negated.
    pub(crate) fn has_pos(&self, range: Range<usize>, patterns: &[&str]) -> bool {
        self.find_all(range, patterns)
            .iter()
            .any(|&(s, _, _)| !self.neg[s])
    }

    /// Some pattern of `patterns` matches in `range` (negated or not).
    pub(crate) fn has(&self, range: Range<usize>, patterns: &[&str]) -> bool {
        !self.find_all(range, patterns).is_empty()
    }

    /// Parenthesis depth of token `i` (0 outside parentheses).
    pub(crate) fn depth(&self, i: usize) -> u32 {
        self.depth[i]
    }

    fn segment(&mut self) {
        let n = self.toks.len();
        let mut depth = 0u32;
        for i in 0..n {
            if self.is_punct(i, "(") || self.is_punct(i, "[") {
                depth += 1;
                self.depth[i] = depth;
            } else if self.is_punct(i, ")") || self.is_punct(i, "]") {
                self.depth[i] = depth;
                depth = depth.saturating_sub(1);
            } else {
                self.depth[i] = depth;
            }
        }
        // Sentences.
        let mut start = 0;
        for i in 0..n {
            if i > start && self.toks[i].newline_before {
                self.sents.push(start..i);
                start = i;
            }
            let end_mark = self.toks[i].kind == Kind::Punct
                && matches!(self.w(i), "." | "?" | "!")
                && !(self.w(i) == "."
                    && i > 0
                    && self.toks[i - 1].kind == Kind::Word
                    && (self.w(i - 1).len() == 1 || ABBREVIATIONS.contains(&self.w(i - 1))));
            if end_mark {
                self.sents.push(start..i + 1);
                start = i + 1;
            }
        }
        if start < n {
            self.sents.push(start..n);
        }
        // Clauses.
        for s in self.sents.clone() {
            let mut cs = s.start;
            for i in s.clone() {
                let cut_before = self.toks[i].kind == Kind::Word
                    && CLAUSE_WORDS.contains(&self.w(i))
                    && self.depth[i] == 0;
                // A short label before a colon ("Right adrenal gland: 3.5 cm nodule …",
                // "Subcarinal station 7: FDG-avid node") stays with what follows, unless it
                // carries a negation of its own ("Negative for residual lymphoma: …").
                let label = self.is_punct(i, ":")
                    && (cs..i)
                        .filter(|&k| self.depth[k] == 0 && !self.is_punct(k, ")"))
                        .count()
                        <= 8
                    && i + 1 < s.end
                    && !self.toks[i + 1].newline_before
                    && !(cs..i).any(|k| {
                        self.match_any(k, PRE_NEG).is_some()
                            || self.match_any(k, POST_NEG).is_some()
                    });
                let cut_after = self.is_punct(i, ";") || (self.is_punct(i, ":") && !label);
                if cut_before && i > cs {
                    self.clauses.push(cs..i);
                    cs = i;
                }
                if cut_after {
                    self.clauses.push(cs..i + 1);
                    cs = i + 1;
                }
            }
            if cs < s.end {
                self.clauses.push(cs..s.end);
            }
        }
    }

    fn is_head(&self, i: usize) -> bool {
        HEAD_NOUNS.iter().any(|p| word_matches(self.w(i), p))
    }

    fn negate(&mut self) {
        for c in self.clauses.clone() {
            let mut i = c.start;
            while i < c.end {
                // Phrases that look like negation but are not.
                if self.match_at(i, "no significant change").is_some()
                    || self.match_at(i, "no change").is_some()
                    || self.match_at(i, "not only").is_some()
                {
                    i += 2;
                    continue;
                }
                // "non-contiguous", "non-bloody": a property, not the
                // absence of what follows.
                if let Some((e, _)) = self.match_any(i, NOT_NEGATION) {
                    i = e;
                    continue;
                }
                if let Some((e, _)) = self.match_any(
                    i,
                    &["cannot be excluded", "can not be excluded", "not excluded"],
                ) {
                    i = e;
                    continue;
                }
                // "nodes are not enlarged", "Skeleton: no lesions": the subject is negated too.
                let after_copula =
                    i > c.start && (COPULAS.contains(&self.w(i - 1)) || self.is_punct(i - 1, ":"));
                let pre = self.match_any(i, PRE_NEG);
                let post_longer = match (pre, self.match_any(i, POST_NEG)) {
                    (Some((pe, _)), Some((qe, _))) => qe > pe,
                    _ => false,
                };
                if let Some((e, _)) = pre.filter(|_| !post_longer) {
                    let stop = self.scope_end(i, c.end);
                    for k in e..stop {
                        self.neg[k] = true;
                    }
                    if after_copula {
                        self.negate_back(c.start, i);
                    }
                    i = e;
                    continue;
                }
                if let Some((e, k)) = self.match_any(i, POST_NEG) {
                    // "absent at baseline", "not seen on the prior study": said of the earlier
                    // scan, so the finding is new, not negated.
                    if self.match_any(e, EARLIER_SCAN).is_some() {
                        i = e;
                        continue;
                    }
                    let p = POST_NEG[k];
                    let applies = match p {
                        // "normal" and "clear" only as a predicate at the end of a clause or
                        // before "in size"; elsewhere they describe something else.
                        "normal" | "clear" => {
                            e >= c.end
                                || self.toks[e].kind == Kind::Punct
                                || self.match_at(e, "in *").is_some()
                                || self.match_at(e, "size").is_some()
                                || self.match_at(e, "and").is_some()
                        }
                        _ => true,
                    };
                    if applies {
                        self.negate_back(c.start, i);
                        // "not enlarged", "not seen": the words after the trigger word too; a
                        // phrase that opens with a forward trigger ("no longer avid") keeps
                        // that trigger's forward scope.
                        let stop = if pre.is_some() {
                            self.scope_end(i, c.end)
                        } else {
                            e
                        };
                        for k in i + 1..stop {
                            self.neg[k] = true;
                        }
                    }
                    i = e;
                    continue;
                }
                i += 1;
            }
        }
    }

    /// Where a forward negation starting at `i` stops: the clause end, or the `)` closing a
    /// parenthesis the trigger is inside.
    fn scope_end(&self, i: usize, clause_end: usize) -> usize {
        let d = self.depth[i];
        if d == 0 {
            return clause_end;
        }
        (i..clause_end)
            .find(|&k| self.is_punct(k, ")") && self.depth[k] == d)
            .unwrap_or(clause_end)
    }

    /// Negate backward from `i` to `start`, stopping at a comma that separates two findings,
    /// or at the `(` opening a parenthesis the trigger is inside.
    fn negate_back(&mut self, start: usize, i: usize) {
        let d = self.depth[i];
        let mut lo = start;
        let mut k = i;
        while k > start {
            k -= 1;
            if d > 0 && self.is_punct(k, "(") && self.depth[k] == d {
                lo = k + 1;
                break;
            }
            if self.is_punct(k, ",") {
                let after = (k + 1..i).any(|j| self.is_head(j));
                let before = (start..k).any(|j| self.is_head(j));
                if after && before {
                    lo = k + 1;
                    break;
                }
            }
        }
        for j in lo..i {
            self.neg[j] = true;
        }
    }
}

/// Is token `i` a word that matches one of the pattern words (see [`word_matches`])?
pub(crate) fn is_any(doc: &Doc<'_>, i: usize, pats: &[&str]) -> bool {
    doc.toks[i].kind == Kind::Word && pats.iter().any(|p| word_matches(doc.w(i), p))
}

/// Does a lowercased word match a pattern word (`*` at the end = prefix)?
pub(crate) fn word_matches(word: &str, pattern: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => word.starts_with(prefix),
        None => word == pattern,
    }
}

fn tokenize(text: &str) -> Vec<Tok> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut newline = false;
    let mut i = 0;
    while i < text.len() {
        let c = text[i..].chars().next().unwrap_or(' ');
        let len = c.len_utf8();
        if c.is_whitespace() {
            if c == '\n' || c == '\r' {
                newline = true;
            }
            i += len;
            continue;
        }
        if c.is_ascii_digit() {
            let start = i;
            let mut j = i;
            while j < bytes.len() && bytes[j].is_ascii_digit() {
                j += 1;
            }
            if j + 1 < bytes.len() && bytes[j] == b'.' && bytes[j + 1].is_ascii_digit() {
                j += 1;
                while j < bytes.len() && bytes[j].is_ascii_digit() {
                    j += 1;
                }
            }
            let num_end = j;
            // "3.6x2.9cm": the x is a separate token.
            if j + 1 < bytes.len()
                && matches!(bytes[j], b'x' | b'X')
                && bytes[j + 1].is_ascii_digit()
            {
                out.push(Tok {
                    start,
                    end: num_end,
                    kind: Kind::Num,
                    newline_before: newline,
                });
                out.push(Tok {
                    start: j,
                    end: j + 1,
                    kind: Kind::Word,
                    newline_before: false,
                });
                newline = false;
                i = j + 1;
                continue;
            }
            let mut k = j;
            while k < bytes.len() && bytes[k].is_ascii_alphanumeric() {
                k += 1;
            }
            let suffix = text[num_end..k].to_ascii_lowercase();
            if suffix.is_empty() || suffix == "cm" || suffix == "mm" {
                out.push(Tok {
                    start,
                    end: num_end,
                    kind: Kind::Num,
                    newline_before: newline,
                });
                if !suffix.is_empty() {
                    out.push(Tok {
                        start: num_end,
                        end: k,
                        kind: Kind::Word,
                        newline_before: false,
                    });
                }
            } else {
                out.push(Tok {
                    start,
                    end: k,
                    kind: Kind::Word,
                    newline_before: newline,
                });
            }
            newline = false;
            i = k;
            continue;
        }
        if c.is_alphanumeric() {
            let start = i;
            let mut j = i;
            while j < text.len() {
                let d = text[j..].chars().next().unwrap_or(' ');
                if d.is_alphanumeric() {
                    j += d.len_utf8();
                } else {
                    break;
                }
            }
            out.push(Tok {
                start,
                end: j,
                kind: Kind::Word,
                newline_before: newline,
            });
            newline = false;
            i = j;
            continue;
        }
        // Separators that join words: hyphen, slash, apostrophes.
        if matches!(c, '-' | '/' | '\'' | '\u{2019}' | '\u{2010}' | '\u{2011}') {
            i += len;
            continue;
        }
        out.push(Tok {
            start: i,
            end: i + len,
            kind: Kind::Punct,
            newline_before: newline,
        });
        newline = false;
        i += len;
    }
    out
}

/// A size written in the text: its greatest dimension in millimetres and its token range.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Size {
    pub(crate) mm: f64,
    pub(crate) first: usize,
    pub(crate) last: usize,
}

/// Every size expression in `range`: `3.6 cm`, `36 mm`, `3.6 x 2.9 cm`, `36 x 29 x 30 mm`,
/// `3.6 cm x 2.9 cm`. Numbers without a unit are not sizes.
pub(crate) fn sizes(doc: &Doc<'_>, range: Range<usize>) -> Vec<Size> {
    let unit = |i: usize| -> Option<f64> {
        if i >= range.end || doc.toks[i].kind != Kind::Word {
            return None;
        }
        match doc.w(i) {
            "cm" => Some(10.0),
            "mm" => Some(1.0),
            _ => None,
        }
    };
    let times = |i: usize| i < range.end && matches!(doc.w(i), "x" | "\u{d7}" | "by");
    let num = |i: usize| -> Option<f64> {
        if i < range.end && doc.toks[i].kind == Kind::Num {
            doc.w(i).parse().ok()
        } else {
            None
        }
    };
    let mut out = Vec::new();
    let mut i = range.start;
    while i < range.end {
        let Some(first_value) = num(i) else {
            i += 1;
            continue;
        };
        // A number directly after a minus sign or inside a ratio is not a size.
        let mut values: Vec<(f64, Option<f64>)> = vec![(first_value, None)];
        let mut j = i + 1;
        loop {
            if let Some(u) = unit(j) {
                if let Some(last) = values.last_mut() {
                    if last.1.is_none() {
                        last.1 = Some(u);
                    }
                }
                j += 1;
                continue;
            }
            if times(j) {
                if let Some(v) = num(j + 1) {
                    values.push((v, None));
                    j += 2;
                    continue;
                }
            }
            break;
        }
        // The last unit applies to the numbers written without one.
        let mut unit_for_rest = None;
        for v in values.iter_mut().rev() {
            match v.1 {
                Some(u) => unit_for_rest = Some(u),
                None => v.1 = unit_for_rest,
            }
        }
        if values.iter().all(|v| v.1.is_some()) {
            let mm = values
                .iter()
                .map(|v| v.0 * v.1.unwrap_or(1.0))
                .fold(0.0_f64, f64::max);
            out.push(Size {
                mm,
                first: i,
                last: j - 1,
            });
        }
        i = j.max(i + 1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn negated_words(text: &str) -> Vec<String> {
        let d = Doc::new(text);
        (0..d.toks.len())
            .filter(|&i| d.neg[i] && d.toks[i].kind == Kind::Word)
            .map(|i| d.w(i).to_string())
            .collect()
    }

    #[test]
    fn tokens_keep_offsets_and_split_units() {
        let text = "RUL mass 3.6x2.9cm, 4R node; FDG-avid (SUVmax 6.1). Ümlaut ≤ 2";
        let d = Doc::new(text);
        let words: Vec<&str> = (0..d.toks.len()).map(|i| d.w(i)).collect();
        let want = [
            "rul",
            "mass",
            "3.6",
            "x",
            "2.9",
            "cm",
            ",",
            "4r",
            "node",
            ";",
            "fdg",
            "avid",
            "(",
            "suvmax",
            "6.1",
            ")",
            ".",
            "\u{dc}mlaut",
            "\u{2264}",
            "2",
        ];
        assert_eq!(words, want);
        for t in &d.toks {
            assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
        }
        assert_eq!(d.sents.len(), 2);
    }

    #[test]
    fn sizes_are_parsed_in_mm() {
        let cases: &[(&str, &[f64])] = &[
            ("mass 3.6 x 2.9 cm", &[36.0]),
            ("mass 36 x 29 x 40 mm", &[40.0]),
            ("a 20 mm nodule and a 1.0 cm node", &[20.0, 10.0]),
            ("3.2 cm x 4.1 cm", &[41.0]),
            ("SUVmax 6.1, -5 HU", &[]),
            ("7.0 × 5.2 cm", &[70.0]),
            ("15 mm.", &[15.0]),
            ("2.5 cm overall with a 4 mm solid component", &[25.0, 4.0]),
        ];
        for (text, want) in cases {
            let d = Doc::new(text);
            let got: Vec<f64> = sizes(&d, 0..d.toks.len()).iter().map(|s| s.mm).collect();
            assert_eq!(&got, want, "{text}");
        }
    }

    #[test]
    fn negation_scopes() {
        let cases: &[(&str, &[&str])] = &[
            (
                "No hilar, mediastinal or supraclavicular adenopathy.",
                &[
                    "hilar",
                    "mediastinal",
                    "or",
                    "supraclavicular",
                    "adenopathy",
                ],
            ),
            (
                "Abutting but not invading the aorta.",
                &["invading", "the", "aorta"],
            ),
            (
                "No mediastinal nodes but an avid right hilar node.",
                &["mediastinal", "nodes"],
            ),
            (
                "The previously seen opacity has resolved.",
                &["the", "previously", "seen", "opacity", "has"],
            ),
            (
                "Mediastinal nodes are not enlarged.",
                &["mediastinal", "nodes", "are", "enlarged"],
            ),
            (
                "Avid right hilar node, mediastinal nodes unremarkable.",
                &["mediastinal", "nodes"],
            ),
            (
                "Interim PET (no baseline available), stage II.",
                &["baseline", "available"],
            ),
            ("Spleen normal in size.", &["spleen"]),
            (
                "The lungs are clear of FDG-avid lesions.",
                &["the", "lungs", "are", "fdg", "avid", "lesions"],
            ),
            ("Metastasis cannot be excluded.", &[]),
            (
                "Negative for lymphoma: the mass has uptake below liver.",
                &["lymphoma"],
            ),
            (
                "Station 7: no FDG-avid node.",
                &["station", "fdg", "avid", "node"],
            ),
            ("No significant change from baseline.", &[]),
            // A class of negation phrasings: "nil", "free from", and backward phrases that
            // begin with a forward trigger ("not seen").
            ("Axillae: nil avid.", &["axillae", "avid"]),
            (
                "Paratracheal uptake not seen.",
                &["paratracheal", "uptake", "seen"],
            ),
            ("Liver free from lesions.", &["lesions"]),
            (
                "The axillary node is no longer avid.",
                &["the", "axillary", "node", "is", "longer", "avid"],
            ),
            // "non-contiguous" and "non-bloody" describe; they do not negate.
            ("A non-contiguous renal lesion.", &[]),
            ("Non-bloody effusion.", &[]),
            // Absent on the earlier scan means new on this one.
            ("New splenic foci, absent at baseline.", &[]),
            ("A left axillary node not seen on the prior study.", &[]),
        ];
        for (text, want) in cases {
            assert_eq!(&negated_words(text), want, "{text}");
        }
    }
}
