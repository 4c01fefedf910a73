//! UTF-8-safe excerpts: windows are measured and cut in characters, never bytes.

/// Lowercased alphanumeric terms of a text.
fn terms(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// An excerpt of at most `max_chars` characters of `text` (plus `…` markers where cut), placed
/// where the most query terms occur; cut on whitespace where possible.
pub fn snippet(text: &str, query: &str, max_chars: usize) -> String {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    if chars.len() <= max_chars {
        return text.trim().to_string();
    }
    let wanted: std::collections::HashSet<String> = terms(query).into_iter().collect();
    // Score each word start by the query terms in the window that starts there.
    let words: Vec<(usize, usize)> = {
        // (char index of word start, char index of word end)
        let mut v = Vec::new();
        let mut start = None;
        for (ci, (_, c)) in chars.iter().enumerate() {
            match (c.is_alphanumeric(), start) {
                (true, None) => start = Some(ci),
                (false, Some(s)) => {
                    v.push((s, ci));
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(s) = start {
            v.push((s, chars.len()));
        }
        v
    };
    let byte = |ci: usize| chars.get(ci).map_or(text.len(), |(b, _)| *b);
    let hit: Vec<bool> = words
        .iter()
        .map(|(s, e)| wanted.contains(&text[byte(*s)..byte(*e)].to_lowercase()))
        .collect();
    let mut best = (0usize, 0usize); // (hits, word index)
    let mut hi = 0usize;
    let mut count = 0usize;
    for lo in 0..words.len() {
        while hi < words.len() && words[hi].1 - words[lo].0 <= max_chars {
            count += usize::from(hit[hi]);
            hi += 1;
        }
        if count > best.0 {
            best = (count, lo);
        }
        if hi > lo {
            count -= usize::from(hit[lo]);
        } else {
            hi = lo + 1;
        }
    }
    let start_ci = words.get(best.1).map_or(0, |w| w.0);
    // Start a little before the first hit so the excerpt reads as a sentence fragment.
    let start_ci = if best.0 == 0 { 0 } else { start_ci };
    let mut end_ci = (start_ci + max_chars).min(chars.len());
    // Back off to whitespace so that no word is cut, unless the window is one long word.
    if end_ci < chars.len() {
        if let Some(ws) = (start_ci + 1..end_ci)
            .rev()
            .find(|&i| chars[i].1.is_whitespace())
        {
            end_ci = ws;
        }
    }
    let mut out = String::new();
    if start_ci > 0 {
        out.push('…');
    }
    out.push_str(text[byte(start_ci)..byte(end_ci)].trim());
    if end_ci < chars.len() {
        out.push('…');
    }
    out
}

/// The first sentence of a text, without a leading list marker (`1.`, `1)`, `-`).
pub fn first_sentence(text: &str) -> String {
    let t = text.trim_start();
    let t = t
        .trim_start_matches(|c: char| c.is_ascii_digit())
        .trim_start_matches(['.', ')', '-', '•'])
        .trim_start();
    let t = if t.is_empty() { text.trim() } else { t };
    let bytes = t.as_bytes();
    for (i, c) in t.char_indices() {
        let end = i + c.len_utf8();
        let next = bytes.get(end).copied();
        let prev_digit = i > 0 && bytes[i - 1].is_ascii_digit();
        let next_digit = next.is_some_and(|b| b.is_ascii_digit());
        if c == '\n'
            || (c == '.'
                && !(prev_digit && next_digit)
                && next.is_none_or(|b| b == b' ' || b == b'\n'))
        {
            return t[..if c == '.' { end } else { i }].trim().to_string();
        }
    }
    t.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn finds_the_window_with_the_query_terms() {
        let text = format!(
            "{} Intense uptake in the right hilar node, SUVmax 9.1. {}",
            "filler ".repeat(60),
            "tail ".repeat(60)
        );
        let s = snippet(&text, "hilar node SUVmax", 80);
        assert!(s.contains("hilar node"), "{s}");
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(s.chars().count() <= 82);
    }

    #[test]
    fn first_sentences() {
        assert_eq!(
            first_sentence("1. Hypermetabolic mass, SUVmax 12.4. Second."),
            "Hypermetabolic mass, SUVmax 12.4."
        );
        assert_eq!(first_sentence("- No disease\nmore"), "No disease");
        assert_eq!(
            first_sentence("Complete metabolic response"),
            "Complete metabolic response"
        );
    }

    proptest! {
        #[test]
        fn never_splits_a_character(text in "\\PC{0,400}", query in "\\PC{0,20}", max in 1usize..120) {
            let s = snippet(&text, &query, max);
            // Building the String would have panicked on a non-boundary slice; check the size.
            prop_assert!(s.chars().count() <= max + 2);
            let _ = first_sentence(&text);
        }

        #[test]
        fn multibyte_text_is_cut_on_char_boundaries(n in 50usize..300, max in 5usize..60) {
            let text: String = "Läsion ü 2,3 cm – größer ".repeat(n / 10 + 1);
            let s = snippet(&text, "größer", max);
            prop_assert!(s.chars().count() <= max + 2);
        }
    }
}
