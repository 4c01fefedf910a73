//! Removing a report's own comparison hints, so an evaluation can check that a comparison
//! works from the stored prior alone.
//!
//! A hint is a quote of an earlier study's numbers: "(previously SUVmax 13.3)", "(was 10 x
//! 6 mm, SUVmax 4.3)", ", previously SUVmax 15.1", "; previously 12 x 7 mm". A phrase after
//! "previously"/"was"/"prior"/"at baseline" counts when a number or "SUV" is one of its next two words;
//! "previously involved sites" and "previously treated" stay (they quote no value).

/// `text` without its comparison hints (whitespace and punctuation tidied around each cut).
pub fn strip_comparison_hints(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let lower = text.to_ascii_lowercase();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < text.len() {
        if let Some((cut_from, cut_to)) = hint_at(&lower, bytes, i) {
            // Trim what was already written back to the cut start.
            let keep = cut_from.max(i.min(cut_from));
            if keep < i {
                let drop = i - keep;
                out.truncate(out.len().saturating_sub(drop));
            }
            i = cut_to;
            continue;
        }
        let ch = text[i..].chars().next().unwrap_or(' ');
        out.push(ch);
        i += ch.len_utf8();
    }
    tidy(&out)
}

const OPENERS: &[&str] = &[
    "previously",
    "was",
    "were",
    "prior",
    "at baseline",
    "baseline",
];

/// A hint starting at byte `i`: the byte range to remove (which may begin before `i`, to take
/// the separator with it).
fn hint_at(lower: &str, bytes: &[u8], i: usize) -> Option<(usize, usize)> {
    let at_word = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
    if !at_word {
        return None;
    }
    let opener = OPENERS.iter().find(|o| {
        lower[i..].starts_with(*o)
            && lower[i + o.len()..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_ascii_alphanumeric())
    })?;
    // Inside parentheses?
    let before = &lower[..i];
    let open = before.rfind('(');
    let close = before.rfind(')');
    let in_paren = match (open, close) {
        (Some(o), Some(c)) => o > c,
        (Some(_), None) => true,
        _ => false,
    };
    let end_limit = if in_paren {
        lower[i..].find(')').map(|k| i + k)?
    } else {
        lower[i..]
            .find(['.', ';', ')', '\n'])
            .map_or(lower.len(), |k| i + k)
            // A decimal point is not the end of the phrase.
            .max(decimal_safe_end(lower, i))
    };
    let phrase = &lower[i + opener.len()..end_limit];
    let words: Vec<&str> = phrase.split_whitespace().take(2).collect();
    if !words
        .iter()
        .any(|w| w.starts_with(|c: char| c.is_ascii_digit()))
        && !words.iter().any(|w| w.starts_with("suv"))
    {
        return None;
    }
    if in_paren {
        let o = open.unwrap_or(i);
        // "(previously …)" → remove the whole parenthesis; "(SUVmax 2.0; previously …)" →
        // remove from the separator.
        let inner_before = lower[o + 1..i].trim();
        if inner_before.is_empty() {
            let start = lower[..o].trim_end().len();
            return Some((start, end_limit + 1));
        }
        let sep = lower[..i].trim_end_matches([' ', ',', ';']).len();
        return Some((sep, end_limit));
    }
    let sep = lower[..i].trim_end_matches([' ', ',', ';']).len();
    Some((sep, end_limit))
}

/// End of a non-parenthesised hint: the first `.`/`;`/newline that is not a decimal point.
fn decimal_safe_end(lower: &str, i: usize) -> usize {
    let b = lower.as_bytes();
    let mut k = i;
    while k < b.len() {
        match b[k] {
            b';' | b'\n' | b')' => return k,
            b'.' => {
                let digit_after = b.get(k + 1).is_some_and(u8::is_ascii_digit);
                if !digit_after {
                    return k;
                }
            }
            _ => {}
        }
        k += 1;
    }
    b.len()
}

fn tidy(s: &str) -> String {
    let mut t = s
        .replace("  ", " ")
        .replace(" .", ".")
        .replace(" ,", ",")
        .replace("()", "");
    while t.contains("  ") {
        t = t.replace("  ", " ");
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_quotes_of_earlier_values_only() {
        let cases = [
            ("Residual mass, SUVmax 2.0 (previously SUVmax 13.3).", "Residual mass, SUVmax 2.0."),
            (
                "Nodule: larger at 12 x 7 mm, maximum SUV 6.5 (was 10 x 6 mm, SUVmax 4.3). Next.",
                "Nodule: larger at 12 x 7 mm, maximum SUV 6.5. Next.",
            ),
            (
                "Complete resolution of uptake in the retroperitoneum, previously SUVmax 15.1. Liver normal.",
                "Complete resolution of uptake in the retroperitoneum. Liver normal.",
            ),
            (
                "Residual 12 mm soft tissue with uptake below liver (SUVmax 2.4; previously SUVmax 9.9).",
                "Residual 12 mm soft tissue with uptake below liver (SUVmax 2.4).",
            ),
            (
                "No recurrent uptake at previously involved sites (left cervical node).",
                "No recurrent uptake at previously involved sites (left cervical node).",
            ),
            (
                "New node in the previously treated left obturator region, SUV 13.2.",
                "New node in the previously treated left obturator region, SUV 13.2.",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(strip_comparison_hints(input), want, "{input}");
        }
    }
}
