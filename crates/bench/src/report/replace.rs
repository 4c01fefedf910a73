//! Replacing one `## Title` section of a Markdown document in place (or appending it), as
//! `BENCH_ONLY` runs of `scripts/bench.sh` refresh one section of BENCHMARKS.md and keep the
//! rest. Same result as the Python helper it replaces: the regular expression
//! `^## TITLE\n.*?(?=^## |\Z)` (multi-line, dot matches newline).

/// Offsets at which a line starts: 0 and after every `\n` (the end of a text that ends with a
/// newline included).
fn line_starts(doc: &str) -> impl Iterator<Item = usize> + '_ {
    std::iter::once(0).chain(doc.match_indices('\n').map(|(i, _)| i + 1))
}

/// Byte range of the first section titled `title`: from its `## title` line (the whole line)
/// to the next line starting with `## `, or the end of the document. `### ` subsections
/// belong to the section.
fn find_section(doc: &str, title: &str) -> Option<(usize, usize)> {
    let header = format!("## {title}\n");
    let start = line_starts(doc).find(|&i| doc[i..].starts_with(&header))?;
    let body = start + header.len();
    let end = line_starts(doc)
        .filter(|&i| i >= body)
        .find(|&i| doc[i..].starts_with("## "))
        .unwrap_or(doc.len());
    Some((start, end))
}

/// `doc` with its section titled `title` replaced by `section` (trimmed, with one final
/// newline, and a blank line before the next section); when `doc` has no such section,
/// `section` is appended after one blank line.
pub(super) fn replace_section(doc: &str, title: &str, section: &str) -> String {
    let section = format!("{}\n", section.trim());
    match find_section(doc, title) {
        Some((start, end)) => {
            let rest = &doc[end..];
            let blank = if rest.is_empty() { "" } else { "\n" };
            format!("{}{section}{blank}{rest}", &doc[..start])
        }
        None => format!("{}\n\n{section}", doc.trim_end_matches('\n')),
    }
}

#[cfg(test)]
mod tests {
    use super::replace_section;

    // Expected values checked against the Python helper of scripts/bench.sh (5a8244b).
    const DOC: &str = "# Benchmarks\n\nIntro.\n\n## One\n\nold one\n\n## Two\n\nold two\n### Sub\n\nsub text\n\n## Three\n\nold three\n";

    #[test]
    fn a_middle_section_is_replaced_with_its_subsections() {
        let new = replace_section(DOC, "Two", "## Two\n\nnew two\n\n\n");
        assert_eq!(
            new,
            "# Benchmarks\n\nIntro.\n\n## One\n\nold one\n\n## Two\n\nnew two\n\n## Three\n\nold three\n"
        );
    }

    #[test]
    fn the_last_section_is_replaced_up_to_the_end() {
        let new = replace_section(DOC, "Three", "  ## Three\n\nnew three");
        assert_eq!(
            new,
            "# Benchmarks\n\nIntro.\n\n## One\n\nold one\n\n## Two\n\nold two\n### Sub\n\nsub text\n\n## Three\n\nnew three\n"
        );
    }

    #[test]
    fn the_first_section_is_replaced() {
        let new = replace_section(DOC, "One", "## One\n\nnew one\n");
        assert!(new.starts_with("# Benchmarks\n\nIntro.\n\n## One\n\nnew one\n\n## Two\n"));
    }

    #[test]
    fn a_missing_section_is_appended_after_one_blank_line() {
        let new = replace_section("# Benchmarks\n\n\n", "Four", "## Four\n\nfour\n");
        assert_eq!(new, "# Benchmarks\n\n## Four\n\nfour\n");
        assert_eq!(
            replace_section("# Benchmarks\n", "Four", "## Four\n\nfour"),
            "# Benchmarks\n\n## Four\n\nfour\n"
        );
    }

    #[test]
    fn only_a_whole_title_line_at_a_line_start_matches() {
        // `## Two` inside a line, a longer title and `### Two` are not the section.
        let doc = "# B\n\nsee ## Two\n\n## Two and more\n\nx\n\n### Two\n\ny\n";
        assert_eq!(
            replace_section(doc, "Two", "## Two\n\nz\n"),
            "# B\n\nsee ## Two\n\n## Two and more\n\nx\n\n### Two\n\ny\n\n## Two\n\nz\n"
        );
    }

    #[test]
    fn a_section_with_an_empty_body_and_a_title_with_regex_characters() {
        let doc = "# B\n\n## A (x+y)?\n## C\n\nc\n";
        assert_eq!(
            replace_section(doc, "A (x+y)?", "## A (x+y)?\n\na\n"),
            "# B\n\n## A (x+y)?\n\na\n\n## C\n\nc\n"
        );
    }

    #[test]
    fn the_first_of_two_sections_with_the_title_is_replaced() {
        let doc = "## T\n\n1\n\n## T\n\n2\n";
        assert_eq!(
            replace_section(doc, "T", "## T\n\nnew"),
            "## T\n\nnew\n\n## T\n\n2\n"
        );
    }
}
