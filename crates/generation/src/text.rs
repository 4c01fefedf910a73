//! Sentences, citation markers and numbers: the vocabulary of verification.
//!
//! A sentence ends at `.`, `!` or `?` followed by whitespace or the end of the text; citation
//! markers written right after the terminal punctuation (`… mass. [C1]`) stay with the
//! sentence they follow. A decimal point (`12.3`) never ends a sentence.

/// Source ids cited in `sentence`, in order of first appearance, without duplicates.
///
/// Markers are `[C1]`, `[G12]`, and lists inside one bracket pair: `[C1, G2]`, `[C1; C2]`.
/// Anything else in brackets is not a citation (`[left]` is left alone).
pub fn citations(sentence: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (start, end) in marker_spans(sentence) {
        for id in ids_in(&sentence[start + 1..end - 1]) {
            if !out.contains(&id) {
                out.push(id);
            }
        }
    }
    out
}

/// `sentence` without its citation markers, whitespace tidied.
pub fn strip_citations(sentence: &str) -> String {
    let mut out = String::with_capacity(sentence.len());
    let mut last = 0;
    for (start, end) in marker_spans(sentence) {
        out.push_str(&sentence[last..start]);
        last = end;
    }
    out.push_str(&sentence[last..]);
    let joined = out.split_whitespace().collect::<Vec<_>>().join(" ");
    // "mass ." left behind by "mass [C1]." reads badly.
    joined
        .replace(" .", ".")
        .replace(" ,", ",")
        .replace(" ;", ";")
}

/// Byte spans of the citation markers (bracket pairs holding only source ids).
fn marker_spans(s: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'[' {
            if let Some(rel) = s[i + 1..].find(']') {
                let end = i + 1 + rel + 1;
                let inner = &s[i + 1..end - 1];
                if !inner.trim().is_empty() && ids_in(inner).len() == count_items(inner) {
                    spans.push((i, end));
                    i = end;
                    continue;
                }
            }
        }
        i += 1;
    }
    spans
}

fn count_items(inner: &str) -> usize {
    inner
        .split([',', ';'])
        .filter(|p| !p.trim().is_empty())
        .count()
}

/// The well-formed ids (`C` or `G` then digits, no leading zero) in a marker's inside.
fn ids_in(inner: &str) -> Vec<String> {
    inner
        .split([',', ';'])
        .map(str::trim)
        .filter(|p| is_source_id(p))
        .map(str::to_string)
        .collect()
}

/// `C1`, `G12`: a kind letter then a positive number.
pub fn is_source_id(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some('C' | 'G' | 'P'))
        && s.len() > 1
        && !s[1..].starts_with('0')
        && s[1..].bytes().all(|b| b.is_ascii_digit())
}

/// The numbers in `text`, normalised: maximal digit runs with an optional decimal part
/// (`12.30` → `12.3`, `07` → `7`, `4R` → `4`, `2024-03-01` → `2024`, `3`, `1`; a comma
/// between digits keeps the token whole and as written: `8,4`, `1,200`). Citation
/// markers must be stripped first, or `[C1]` counts as `1`.
pub fn numbers(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i + 1 < b.len() && b[i] == b',' && b[i + 1].is_ascii_digit() {
            // `8,4` (decimal comma) or `1,200`: one token, compared as written.
            i += 1;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            out.push(text[start..i].to_string());
            continue;
        }
        if i + 1 < b.len() && b[i] == b'.' && b[i + 1].is_ascii_digit() {
            i += 1;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
        }
        let end = i;
        out.push(normalise(&text[start..end]));
    }
    out
}

fn normalise(n: &str) -> String {
    let (int, frac) = match n.split_once('.') {
        Some((i, f)) => (i, f.trim_end_matches('0')),
        None => (n, ""),
    };
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    if frac.is_empty() {
        int.to_string()
    } else {
        format!("{int}.{frac}")
    }
}

/// Split text into sentences (see the module docs). Empty pieces are dropped.
pub fn split_sentences(text: &str) -> Vec<String> {
    let mut s = SentenceSplitter::default();
    let mut out = s.push(text);
    out.extend(s.finish());
    out
}

/// Incremental sentence splitting over streamed text deltas.
#[derive(Debug, Default)]
pub struct SentenceSplitter {
    buf: String,
}

impl SentenceSplitter {
    /// Append a delta; returns the sentences it completed.
    pub fn push(&mut self, delta: &str) -> Vec<String> {
        self.buf.push_str(delta);
        let mut out = Vec::new();
        while let Some(end) = complete_sentence_end(&self.buf) {
            let sentence = self.buf[..end].trim().to_string();
            self.buf.drain(..end);
            if !sentence.is_empty() {
                out.push(sentence);
            }
        }
        out
    }

    /// The unfinished tail, if any text is left.
    pub fn finish(self) -> Option<String> {
        let t = self.buf.trim();
        (!t.is_empty()).then(|| t.to_string())
    }
}

/// End (byte offset) of the first complete sentence in `buf`: terminal punctuation, then any
/// citation markers, then whitespace. `None` while it could still continue (a decimal point
/// or a marker not yet closed at the end of the buffer).
fn complete_sentence_end(buf: &str) -> Option<usize> {
    let b = buf.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'\n' && i + 1 < b.len() && b[i + 1] == b'\n' {
            // A blank line ends a sentence even without punctuation.
            return Some(i + 2);
        }
        if matches!(c, b'.' | b'!' | b'?') {
            let mut j = i + 1;
            // Closing quotes or brackets right after the punctuation belong to it.
            while j < b.len() && matches!(b[j], b'"' | b'\'' | b')') {
                j += 1;
            }
            // Citation markers after the punctuation: `. [C1][G2]`.
            loop {
                let mut k = j;
                while k < b.len() && b[k] == b' ' {
                    k += 1;
                }
                if k == b.len() && k > j {
                    return None; // a marker may follow the spaces
                }
                if k < b.len() && b[k] == b'[' {
                    match buf[k..].find(']') {
                        Some(rel) => {
                            let inner = &buf[k + 1..k + rel];
                            if ids_in(inner).len() == count_items(inner) && !inner.trim().is_empty()
                            {
                                j = k + rel + 1;
                                continue;
                            }
                            break;
                        }
                        None => return None, // marker still streaming
                    }
                }
                break;
            }
            if j == b.len() {
                return None; // could be a decimal point or more markers to come
            }
            if b[j].is_ascii_whitespace() {
                // `.` between digits is a decimal point, not an end.
                return Some(j);
            }
            i = j;
            continue;
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn citations_are_parsed_in_order_without_duplicates() {
        assert_eq!(
            citations("Mass [C1][G2] and node [C1, C3]."),
            ["C1", "G2", "C3"]
        );
        assert_eq!(
            citations("Left [left] lobe [C01] [X1] [C]."),
            Vec::<String>::new()
        );
        assert_eq!(citations("A [C1; G10]."), ["C1", "G10"]);
    }

    #[test]
    fn stripping_citations_keeps_the_words() {
        assert_eq!(
            strip_citations("Mass in the [left] lobe [C1][G2]."),
            "Mass in the [left] lobe."
        );
    }

    #[test]
    fn numbers_are_normalised() {
        assert_eq!(
            numbers("SUVmax 12.30 at 4R, 07 nodes, 2024-03-01, 1,200 mm, T2a."),
            ["12.3", "4", "7", "2024", "3", "1", "1,200", "2"]
        );
        assert_eq!(numbers("no digits"), Vec::<String>::new());
    }

    #[test]
    fn sentences_keep_trailing_markers_and_decimals() {
        assert_eq!(
            split_sentences("Mass SUVmax 12.3 in RUL. [C1] Node at 4R [C2][G1]. Tail"),
            [
                "Mass SUVmax 12.3 in RUL. [C1]",
                "Node at 4R [C2][G1].",
                "Tail"
            ]
        );
    }

    #[test]
    fn streaming_splitter_waits_for_decimals_and_markers() {
        let mut s = SentenceSplitter::default();
        assert!(s.push("SUVmax 12.").is_empty());
        assert!(s.push("3 in the mass [C").is_empty());
        assert!(s.push("1]. [G").is_empty());
        assert_eq!(s.push("2] Next"), ["SUVmax 12.3 in the mass [C1]. [G2]"]);
        assert_eq!(s.finish().as_deref(), Some("Next"));
    }

    proptest::proptest! {
        /// However the text is cut into deltas, streaming gives the same sentences.
        #[test]
        fn streaming_equals_batch(text in "[A-Za-z0-9 .\\[\\]CG,]{0,80}", cuts in proptest::collection::vec(0usize..80, 0..6)) {
            let batch = split_sentences(&text);
            let mut cuts: Vec<usize> = cuts.into_iter().filter(|c| *c <= text.len()).collect();
            cuts.sort();
            let mut s = SentenceSplitter::default();
            let mut got = Vec::new();
            let mut last = 0;
            for c in cuts {
                got.extend(s.push(&text[last..c]));
                last = c;
            }
            got.extend(s.push(&text[last..]));
            got.extend(s.finish());
            proptest::prop_assert_eq!(got, batch);
        }
    }
}
