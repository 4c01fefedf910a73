//! Section-aware, token-bounded chunking.

use priors_core::{Chunk, Section};
use std::collections::VecDeque;

/// Cut the sections of one report into chunks of at most `max_tokens` tokens.
///
/// - **Never crosses a section.** Each section is chunked on its own; empty sections produce
///   nothing. Chunk `index` runs `0..n` over the whole report in section order.
/// - **Verbatim text, no heading prefix.** A chunk's `text` is an exact, trimmed slice of the
///   section text: nothing is added (the section kind is in [`Chunk::section`], and a
///   quotation from a chunk can always be found in the original report), nothing but
///   whitespace between chunks is dropped.
/// - **Whole sentences first.** Sentences (see below) are packed greedily while
///   `count_tokens(candidate) <= max_tokens`; the candidate is always measured as a whole, so
///   special tokens and non-additive tokenisation are accounted for. A sentence that does not
///   fit on its own is split at whitespace, and a word that does not fit on its own at char
///   boundaries (the largest prefix that fits). Only when a single character exceeds the bound
///   (e.g. `max_tokens` below the model's special-token count) is a chunk over the bound.
/// - **Region context where cheap.** Inside the findings, a sentence that starts with a region
///   sub-heading (`Chest:`, `Abdomen and pelvis:`) starts a new chunk when the current chunk is
///   already at least half full, so regions tend to begin a chunk with their heading.
///
/// Sentence boundaries: after `.`, `!` or `?` (plus closing brackets or quotes) followed by
/// whitespace — except after abbreviations (`Dr.`, `e.g.`, `i.e.`, `vs.`, `approx.`, single
/// letters…), after a list number (`1.` at the start of a line or after a sentence end) and
/// before a lowercase letter; decimals (`3.4 cm`, `SUVmax 12.4`) never end a sentence because
/// no whitespace follows their point. A line break is also a boundary unless the line ends
/// with `:`, `,` or `-` (a heading or a wrapped line), or the next line continues the sentence
/// (starts with a lowercase letter, `(`, or a number that is not a list marker).
pub fn chunk_report(
    report_id: &str,
    sections: &[Section],
    max_tokens: usize,
    count_tokens: &dyn Fn(&str) -> usize,
) -> Vec<Chunk> {
    let mut chunks = Vec::new();
    for section in sections {
        for (start, end) in pack(&section.text, max_tokens, count_tokens) {
            let text = section.text[start..end].to_string();
            let tokens = count_tokens(&text);
            chunks.push(Chunk {
                report_id: report_id.to_string(),
                index: u32::try_from(chunks.len()).unwrap_or(u32::MAX),
                section: section.kind,
                text,
                tokens,
            });
        }
    }
    chunks
}

/// How finely an atom has been split.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Sentence,
    Word,
    Char,
}

#[derive(Debug, Clone, Copy)]
struct Atom {
    start: usize,
    end: usize,
    level: Level,
    region: bool,
}

/// Byte ranges of the chunks of `text`.
fn pack(text: &str, max: usize, count: &dyn Fn(&str) -> usize) -> Vec<(usize, usize)> {
    let mut queue: VecDeque<Atom> = sentence_spans(text)
        .into_iter()
        .map(|(start, end)| Atom {
            start,
            end,
            level: Level::Sentence,
            region: starts_with_region_heading(&text[start..end]),
        })
        .collect();
    let mut out = Vec::new();
    // Current chunk: (start, end, tokens).
    let mut cur: Option<(usize, usize, usize)> = None;
    while let Some(atom) = queue.pop_front() {
        match cur {
            Some((s, e, tokens)) => {
                if atom.region && tokens * 2 >= max {
                    out.push((s, e));
                    cur = None;
                    queue.push_front(atom);
                    continue;
                }
                let n = count(&text[s..atom.end]);
                if n <= max {
                    cur = Some((s, atom.end, n));
                } else {
                    out.push((s, e));
                    cur = None;
                    queue.push_front(atom);
                }
            }
            None => {
                let piece = &text[atom.start..atom.end];
                if atom.level == Level::Char {
                    // The rest of a long word: cut the largest prefix that fits without first
                    // counting the whole (possibly very long) remainder.
                    let cut = largest_fitting_prefix(piece, max, count);
                    if cut == piece.len() {
                        cur = Some((atom.start, atom.end, count(piece)));
                    } else {
                        out.push((atom.start, atom.start + cut));
                        queue.push_front(Atom {
                            start: atom.start + cut,
                            ..atom
                        });
                    }
                    continue;
                }
                let n = count(piece);
                if n <= max {
                    cur = Some((atom.start, atom.end, n));
                    continue;
                }
                match atom.level {
                    Level::Sentence => {
                        let words = word_spans(piece).into_iter().rev();
                        for (a, b) in words {
                            queue.push_front(Atom {
                                start: atom.start + a,
                                end: atom.start + b,
                                level: Level::Word,
                                region: false,
                            });
                        }
                    }
                    Level::Word | Level::Char => {
                        // A word longer than the bound: cut it at char boundaries.
                        let cut = largest_fitting_prefix(piece, max, count);
                        out.push((atom.start, atom.start + cut));
                        if atom.start + cut < atom.end {
                            queue.push_front(Atom {
                                start: atom.start + cut,
                                end: atom.end,
                                level: Level::Char,
                                region: false,
                            });
                        }
                    }
                }
            }
        }
    }
    if let Some((s, e, _)) = cur {
        out.push((s, e));
    }
    out
}

/// Byte length of the longest prefix of `s` (cut at a char boundary, at least one char) with
/// `count(prefix) <= max`. Grows the prefix exponentially, then bisects, so a long word costs
/// O(log n) counts of text not much longer than the result.
fn largest_fitting_prefix(s: &str, max: usize, count: &dyn Fn(&str) -> usize) -> usize {
    let bounds: Vec<usize> = s.char_indices().map(|(i, c)| i + c.len_utf8()).collect();
    // bounds[k] is the byte end of the first k+1 chars.
    let fits = |k: usize| count(&s[..bounds[k]]) <= max;
    if bounds.is_empty() || !fits(0) {
        return bounds.first().copied().unwrap_or(s.len());
    }
    let last = bounds.len() - 1;
    let mut good = 0;
    let mut step = 1;
    let mut bad = None;
    while good < last {
        let probe = (good + step).min(last);
        if fits(probe) {
            good = probe;
            step *= 2;
        } else {
            bad = Some(probe);
            break;
        }
    }
    if let Some(mut hi) = bad {
        while hi - good > 1 {
            let mid = good + (hi - good) / 2;
            if fits(mid) {
                good = mid;
            } else {
                hi = mid;
            }
        }
    }
    bounds[good]
}

/// Non-whitespace runs of `s`, as byte ranges.
fn word_spans(s: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        if c.is_whitespace() {
            if let Some(st) = start.take() {
                out.push((st, i));
            }
        } else {
            start.get_or_insert(i);
        }
    }
    if let Some(st) = start {
        out.push((st, s.len()));
    }
    out
}

const ABBREVIATIONS: &[&str] = &[
    "dr", "mr", "mrs", "ms", "prof", "st", "vs", "v", "e.g", "i.e", "eg", "ie", "approx", "cf",
    "fig", "figs", "incl", "resp", "et al", "al", "ca", "no", "nos", "ref", "max", "min", "sq",
    "pt", "hx", "dx", "sx", "tx", "wt",
];

/// Sentence byte ranges of `text`, trimmed, covering every non-whitespace character.
pub(crate) fn sentence_spans(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut cuts = Vec::new(); // byte offsets where a new sentence starts
    let mut line_start = 0;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\n' => {
                if newline_breaks(text, line_start, i) {
                    cuts.push(i + 1);
                }
                line_start = i + 1;
            }
            b'.' | b'!' | b'?' => {
                let mut j = i + 1;
                while j < b.len() && matches!(b[j], b')' | b']' | b'"' | b'\'') {
                    j += 1;
                }
                let ws_after = j >= b.len() || b[j].is_ascii_whitespace();
                let ends = if b[i] == b'.' {
                    period_ends_sentence(text, line_start, i, j)
                } else {
                    !next_is_lowercase(text, j)
                };
                if ws_after && ends {
                    cuts.push(j);
                }
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    let mut spans = Vec::new();
    let mut start = 0;
    for cut in cuts.into_iter().chain([text.len()]) {
        if cut <= start {
            continue;
        }
        let seg = &text[start..cut];
        let lead = seg.len() - seg.trim_start().len();
        let trimmed = seg.trim();
        if !trimmed.is_empty() {
            spans.push((start + lead, start + lead + trimmed.len()));
        }
        start = cut;
    }
    spans
}

/// Does the period at `i` (closing chars end at `j`) end a sentence?
fn period_ends_sentence(text: &str, line_start: usize, i: usize, j: usize) -> bool {
    let before = &text[line_start..i];
    let word_start = before
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace() || *c == '(')
        .map_or(0, |(p, c)| p + c.len_utf8());
    let word = before[word_start..].to_ascii_lowercase();
    let word_is_single_letter = word.len() == 1 && word.chars().all(|c| c.is_alphabetic());
    if ABBREVIATIONS.contains(&word.as_str()) || word_is_single_letter {
        return false;
    }
    // A list number: `1.` at the start of a line or right after a sentence end.
    if !word.is_empty() && word.len() <= 3 && word.bytes().all(|c| c.is_ascii_digit()) {
        let prev = before[..word_start].trim_end();
        if prev.is_empty() || prev.ends_with(['.', '!', '?', ':', ';']) {
            return false;
        }
    }
    // Next word starts lowercase: an abbreviation we do not know.
    !next_is_lowercase(text, j)
}

fn next_is_lowercase(text: &str, j: usize) -> bool {
    text[j..]
        .trim_start()
        .starts_with(|c: char| c.is_lowercase())
}

/// Is the newline at `nl` (ending the line that starts at `line_start`) a sentence boundary?
fn newline_breaks(text: &str, line_start: usize, nl: usize) -> bool {
    let line = text[line_start..nl].trim_end();
    if line.is_empty() {
        return true;
    }
    if line.ends_with([':', ',', '-']) {
        return false;
    }
    let rest = &text[nl + 1..];
    let next_line = rest.split('\n').next().unwrap_or("");
    if next_line.trim().is_empty() {
        return true; // paragraph break
    }
    let next = next_line.trim_start();
    let first = next.chars().next().unwrap_or(' ');
    if first.is_lowercase() || first == '(' {
        return false;
    }
    if first.is_ascii_digit() && !is_list_marker(next) {
        return false;
    }
    true
}

/// `1.` / `2)` followed by whitespace.
fn is_list_marker(s: &str) -> bool {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    (1..=3).contains(&digits)
        && matches!(s.as_bytes().get(digits), Some(b'.' | b')'))
        && s.as_bytes()
            .get(digits + 1)
            .is_none_or(u8::is_ascii_whitespace)
}

/// `Chest: …`, `Abdomen and pelvis: …`, `Head/neck: …` — a short capitalised label and a colon.
fn starts_with_region_heading(s: &str) -> bool {
    let Some(colon) = s.find(':') else {
        return false;
    };
    let label = &s[..colon];
    label.starts_with(|c: char| c.is_uppercase())
        && label.split_whitespace().count() <= 4
        && label
            .chars()
            .all(|c| c.is_alphabetic() || " /&-".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use priors_core::SectionKind;
    use proptest::prelude::*;

    /// Whitespace words plus two special tokens ([CLS], [SEP]).
    fn words_plus_2(s: &str) -> usize {
        s.split_whitespace().count() + 2
    }

    fn chars_plus_2(s: &str) -> usize {
        s.chars().count() + 2
    }

    fn sentences(text: &str) -> Vec<&str> {
        sentence_spans(text)
            .into_iter()
            .map(|(a, b)| &text[a..b])
            .collect()
    }

    fn section(kind: SectionKind, text: &str) -> Section {
        Section {
            kind,
            heading: kind.as_str().to_uppercase(),
            text: text.to_string(),
        }
    }

    #[test]
    fn sentence_table() {
        let cases: &[(&str, &[&str])] = &[
            (
                "Right upper lobe mass measures 3.4 cm with SUVmax 12.4. No nodes.",
                &["Right upper lobe mass measures 3.4 cm with SUVmax 12.4.", "No nodes."],
            ),
            (
                "Discussed with Dr. Example on the ward. Findings e.g. nodes vs. scar.",
                &[
                    "Discussed with Dr. Example on the ward.",
                    "Findings e.g. nodes vs. scar.",
                ],
            ),
            (
                "1. Hypermetabolic mass. 2. No distant disease.\n3. Stable.",
                &["1. Hypermetabolic mass.", "2. No distant disease.", "3. Stable."],
            ),
            (
                "Chest:\nSpiculated nodule in the\nright upper lobe (SUVmax 8.0).\nAbdomen: Normal.",
                &[
                    "Chest:\nSpiculated nodule in the\nright upper lobe (SUVmax 8.0).",
                    "Abdomen: Normal.",
                ],
            ),
            (
                "Nodes measuring up to\n1.2 cm. Liver normal",
                &["Nodes measuring up to\n1.2 cm.", "Liver normal"],
            ),
            (
                "No uptake (see image 4.) Next sentence!  Really? yes.",
                &["No uptake (see image 4.)", "Next sentence!", "Really? yes."],
            ),
            ("Segment V. lesion", &["Segment V. lesion"]),
            ("Approx. 2 cm.", &["Approx. 2 cm."]),
            ("  \n ", &[]),
            ("Line one\nLine two", &["Line one", "Line two"]),
            ("0\u{2000}3.4 cm. Next", &["0\u{2000}3.4 cm.", "Next"]),
        ];
        for (text, want) in cases {
            assert_eq!(sentences(text), *want, "{text:?}");
        }
    }

    const FINDINGS: &str = "\
Head and neck: No hypermetabolic cervical lymph nodes. Physiologic uptake in the tonsils.
Chest: Spiculated right upper lobe mass measuring 3.4 x 2.9 cm with SUVmax 12.4. \
Right hilar node 1.6 cm, SUVmax 7.9. Subcarinal node 1.1 cm, SUVmax 5.2. No pleural effusion.
Abdomen and pelvis: No hypermetabolic hepatic lesions. Adrenal glands unremarkable. \
Physiologic bowel and urinary activity.
Musculoskeletal: No suspicious osseous lesions.";

    #[test]
    fn chunks_a_findings_section() {
        let sections = [
            section(SectionKind::Indication, "NSCLC staging."),
            section(SectionKind::Findings, FINDINGS),
            section(SectionKind::Impression, ""),
        ];
        let chunks = chunk_report("SYN-R-0001", &sections, 24, &words_plus_2);
        assert!(chunks.len() >= 4, "{chunks:#?}");
        for (i, c) in chunks.iter().enumerate() {
            assert_eq!(c.index as usize, i);
            assert_eq!(c.report_id, "SYN-R-0001");
            assert!(c.tokens <= 24, "{c:?}");
            assert_eq!(c.tokens, words_plus_2(&c.text));
            assert_eq!(c.text, c.text.trim());
        }
        assert_eq!(chunks[0].section, SectionKind::Indication);
        assert_eq!(chunks[0].text, "NSCLC staging.");
        assert!(chunks[1..]
            .iter()
            .all(|c| c.section == SectionKind::Findings));
        // No decimal was cut, and every chunk ends at a sentence end.
        for c in &chunks[1..] {
            assert!(c.text.ends_with('.'), "{:?}", c.text);
            assert!(
                !c.text.starts_with(|c: char| c.is_ascii_digit()),
                "{:?}",
                c.text
            );
        }
        // Regions start chunks when the previous one is half full.
        assert!(chunks.iter().any(|c| c.text.starts_with("Chest:")));
        // Large budget: one chunk per non-empty section.
        let chunks = chunk_report("SYN-R-0001", &sections, 512, &words_plus_2);
        assert_eq!(chunks.len(), 2);
        assert_eq!(chunks[1].text, FINDINGS);
    }

    #[test]
    fn splits_long_sentences_and_words() {
        let s = section(
            SectionKind::Findings,
            "one two three four five six seven eight nine ten",
        );
        let chunks = chunk_report("SYN", &[s], 5, &words_plus_2);
        let texts: Vec<_> = chunks.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(
            texts,
            ["one two three", "four five six", "seven eight nine", "ten"]
        );
        let s = section(SectionKind::Findings, "abcdéfghij klm");
        let chunks = chunk_report("SYN", &[s], 6, &chars_plus_2);
        let texts: Vec<_> = chunks.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["abcd", "éfgh", "ij", "klm"]);
        // A bound below one character still terminates, one char per chunk.
        let s = section(SectionKind::Findings, "ab");
        let chunks = chunk_report("SYN", &[s], 1, &chars_plus_2);
        let texts: Vec<_> = chunks.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["a", "b"]);
    }

    #[test]
    fn prefix_search_matches_linear_scan() {
        let s = "x".repeat(37) + "ééé" + &"y".repeat(100);
        for max in 3..150 {
            let got = largest_fitting_prefix(&s, max, &chars_plus_2);
            let want = s
                .char_indices()
                .map(|(i, c)| i + c.len_utf8())
                .filter(|&e| chars_plus_2(&s[..e]) <= max)
                .max()
                .unwrap();
            assert_eq!(got, want, "max {max}");
        }
    }

    #[test]
    fn long_unbroken_text_costs_few_token_counts() {
        let calls = std::cell::Cell::new(0usize);
        let counting = |s: &str| {
            calls.set(calls.get() + 1);
            chars_plus_2(s)
        };
        let word = "x".repeat(64 * 1024);
        let s = section(SectionKind::Findings, &word);
        let chunks = chunk_report("SYN", &[s], 256, &counting);
        assert_eq!(chunks.len(), (64 * 1024usize).div_ceil(254));
        assert!(chunks.iter().all(|c| c.tokens <= 256));
        // Galloping + bisection: about 2·log2(254) counts per chunk, not one per char.
        assert!(calls.get() < chunks.len() * 24, "{} counts", calls.get());
    }

    fn fragment() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("Chest: ".to_string()),
            Just("Abdomen and pelvis:\n".to_string()),
            Just("SUVmax 12.4. ".to_string()),
            Just("3.4 cm ".to_string()),
            Just("Dr. ".to_string()),
            Just("e.g. ".to_string()),
            Just("vs. ".to_string()),
            Just("1. ".to_string()),
            Just("\n2. ".to_string()),
            Just("\n\n".to_string()),
            Just("No uptake. ".to_string()),
            Just("lymph node ".to_string()),
            "[a-zA-Z0-9 .,:;()\n\t-]{0,30}",
            "\\PC{0,12}",
            "[a-zé漢]{20,80}",
        ]
    }

    fn section_text() -> impl Strategy<Value = String> {
        prop::collection::vec(fragment(), 0..40).prop_map(|v| v.concat().trim().to_string())
    }

    fn squash(s: &str) -> String {
        s.chars().filter(|c| !c.is_whitespace()).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn chunks_cover_text_respect_bound_and_are_deterministic(
            texts in prop::collection::vec(section_text(), 1..4),
            max in 3usize..40,
        ) {
            let kinds = [SectionKind::Indication, SectionKind::Findings, SectionKind::Impression];
            let sections: Vec<Section> = texts
                .iter()
                .zip(kinds.iter().cycle())
                .map(|(t, k)| section(*k, t))
                .collect();
            let chunks = chunk_report("SYN-R-P", &sections, max, &words_plus_2);
            prop_assert_eq!(&chunks, &chunk_report("SYN-R-P", &sections, max, &words_plus_2));
            for (i, c) in chunks.iter().enumerate() {
                prop_assert_eq!(c.index as usize, i);
                prop_assert!(c.tokens <= max, "chunk {:?} over {}", c.text, max);
                prop_assert_eq!(c.tokens, words_plus_2(&c.text));
                prop_assert!(!c.text.trim().is_empty());
            }
            // Chunks never cross sections and, per section, cover its content exactly.
            let mut next = 0;
            for s in &sections {
                let mine: Vec<&Chunk> = chunks[next..]
                    .iter()
                    .take_while(|c| c.section == s.kind)
                    .collect();
                next += mine.len();
                let joined: String = mine.iter().map(|c| c.text.as_str()).collect();
                prop_assert_eq!(squash(&joined), squash(&s.text));
                // Every chunk is a verbatim slice of the section, in order.
                let mut from = 0;
                for c in mine {
                    let at = s.text[from..].find(&c.text);
                    prop_assert!(at.is_some(), "chunk {:?} not in section", c.text);
                    from += at.unwrap() + c.text.len();
                }
            }
            prop_assert_eq!(next, chunks.len());
        }

        #[test]
        fn char_level_bound_holds(text in section_text(), max in 3usize..30) {
            let sections = [section(SectionKind::Findings, &text)];
            let chunks = chunk_report("SYN-R-P", &sections, max, &chars_plus_2);
            for c in &chunks {
                prop_assert!(c.tokens <= max);
            }
            let joined: String = chunks.iter().map(|c| c.text.as_str()).collect();
            prop_assert_eq!(squash(&joined), squash(&text));
        }
    }
}
