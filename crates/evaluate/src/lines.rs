//! A line reader with a hard cap on line length, so one malformed (or hostile) file cannot
//! make the loaders allocate without bound: memory is one line buffer plus the `BufReader`.

use std::io::{BufRead, ErrorKind};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Reads `\n`-terminated lines (a trailing `\r` is dropped, as is a UTF-8 byte-order mark at
/// the start of the file), numbering them from 1. After the first error it returns `None`.
pub(crate) struct Lines<R> {
    reader: R,
    path: PathBuf,
    max_bytes: usize,
    /// Number of the line last returned (0 before the first).
    number: usize,
    buf: Vec<u8>,
    done: bool,
}

impl<R: BufRead> Lines<R> {
    pub(crate) fn new(reader: R, path: &Path, max_bytes: usize) -> Self {
        Lines {
            reader,
            path: path.to_path_buf(),
            max_bytes,
            number: 0,
            buf: Vec::new(),
            done: false,
        }
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Number of the line last returned (0 before the first).
    pub(crate) fn number(&self) -> usize {
        self.number
    }

    /// Ends the stream: every later [`Lines::next_line`] returns `None`.
    pub(crate) fn finish(&mut self) {
        self.done = true;
    }

    /// The next line and its 1-based number, `None` at end of file (or after an error).
    pub(crate) fn next_line(&mut self) -> Option<Result<(usize, &str)>> {
        if self.done {
            return None;
        }
        match self.fill_line() {
            Ok(false) => {
                self.done = true;
                None
            }
            Ok(true) => {
                self.number += 1;
                let mut bytes = self.buf.as_slice();
                if let [rest @ .., b'\r'] = bytes {
                    bytes = rest;
                }
                if self.number == 1 {
                    bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
                }
                match std::str::from_utf8(bytes) {
                    Ok(s) => Some(Ok((self.number, s))),
                    Err(e) => {
                        self.done = true;
                        Some(Err(Error::parse(
                            &self.path,
                            self.number,
                            format!("not valid UTF-8 ({e})"),
                        )))
                    }
                }
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }

    /// Reads the next line into `buf` without its `\n`; `false` at end of file.
    fn fill_line(&mut self) -> Result<bool> {
        self.buf.clear();
        let mut read_any = false;
        loop {
            let available = match self.reader.fill_buf() {
                Ok(bytes) => bytes,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(Error::io(&self.path, Some(self.number + 1), e)),
            };
            if available.is_empty() {
                return Ok(read_any);
            }
            read_any = true;
            let (chunk_len, consumed, complete) = match available.iter().position(|&b| b == b'\n') {
                Some(i) => (i, i + 1, true),
                None => (available.len(), available.len(), false),
            };
            if self.buf.len() + chunk_len > self.max_bytes {
                return Err(Error::parse(
                    &self.path,
                    self.number + 1,
                    format!("line longer than {} bytes", self.max_bytes),
                ));
            }
            self.buf.extend_from_slice(&available[..chunk_len]);
            self.reader.consume(consumed);
            if complete {
                return Ok(true);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufReader, Cursor};

    fn collect(input: &[u8], max: usize, capacity: usize) -> Vec<Result<(usize, String)>> {
        let reader = BufReader::with_capacity(capacity, Cursor::new(input.to_vec()));
        let mut lines = Lines::new(reader, Path::new("f.txt"), max);
        let mut out = Vec::new();
        while let Some(item) = lines.next_line() {
            out.push(item.map(|(n, s)| (n, s.to_string())));
        }
        out
    }

    fn ok(items: Vec<Result<(usize, String)>>) -> Vec<(usize, String)> {
        items.into_iter().map(|r| r.unwrap()).collect()
    }

    #[test]
    fn splits_numbers_and_strips_cr_and_bom() {
        let got = ok(collect(b"\xEF\xBB\xBFa\r\n\nbc\nlast", 100, 2));
        assert_eq!(
            got,
            vec![
                (1, "a".to_string()),
                (2, String::new()),
                (3, "bc".to_string()),
                (4, "last".to_string())
            ]
        );
        // A final newline does not make an extra empty line.
        assert_eq!(ok(collect(b"x\n", 100, 8)), vec![(1, "x".to_string())]);
        assert!(collect(b"", 100, 8).is_empty());
    }

    #[test]
    fn rejects_overlong_lines_and_stops() {
        // Small BufReader capacity: the cap must hold across several fill_buf chunks.
        let got = collect(b"12345\n123456\nafter\n", 5, 2);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].as_ref().unwrap(), &(1, "12345".to_string()));
        let err = got[1].as_ref().unwrap_err();
        assert_eq!(err.line(), Some(2));
        assert!(err.to_string().contains("longer than 5 bytes"), "{err}");
    }

    #[test]
    fn rejects_invalid_utf8_with_line_number() {
        let got = collect(b"ok\n\xff\xfe\n", 100, 8);
        let err = got[1].as_ref().unwrap_err();
        assert_eq!(err.to_string().split(": ").next(), Some("f.txt:2"));
        assert!(err.to_string().contains("UTF-8"));
        assert_eq!(got.len(), 2);
    }
}
