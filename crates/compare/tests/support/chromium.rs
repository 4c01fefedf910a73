//! Headless Chromium for tests: load an HTML page from a file, let the browser lay it out,
//! and read back what it saw. Test-only; include it from any crate's test with
//!
//! ```ignore
//! #[path = "../../compare/tests/support/chromium.rs"] // relative to that test file
//! mod chromium;
//! ```
//!
//! It needs Debian's Chromium (`/usr/bin/chromium`, or `chromium` on `PATH`, or the binary
//! named by `$CHROMIUM`), installed by `make setup` (`scripts/setup_browser.sh`). Without it
//! every function here panics saying so: a browser test never skips.
//!
//! Chromium runs with a fresh profile in a temporary directory, networking features off, and
//! is killed after [`TIMEOUT`]. Uses `serde_json` and `tempfile` (dev-dependencies).
#![allow(dead_code, unreachable_pub)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long one Chromium run may take before it is killed.
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// A PNG screenshot smaller than this is taken for a blank page.
pub const MIN_SCREENSHOT_BYTES: u64 = 8 * 1024;

/// The element the inspection script writes its JSON into (its text, ASCII only).
const OUT_ID: &str = "priors-inspection-result";

/// Runs in the page (inserted into `<head>`, before any policy meta tag, so a page's
/// `Content-Security-Policy` does not block it): records failed resources and CSP violations
/// from the start, and on `load` measures the laid-out page and writes the result as JSON into
/// `<pre id="priors-inspection-result">`. Non-ASCII and `< > &` are written as `\uXXXX`
/// escapes so the serialised DOM holds the JSON verbatim.
const INSPECT_JS: &str = r#"
(function () {
  var failed = [], violations = [];
  window.addEventListener('error', function (e) {
    var t = e.target;
    if (t && t !== window) {
      var u = t.src || t.href;
      if (u && typeof u === 'object' && 'baseVal' in u) u = u.baseVal;  // SVG <image href>
      failed.push(String(u || t.tagName));
    }
  }, true);
  document.addEventListener('securitypolicyviolation', function (e) {
    violations.push(e.violatedDirective + ' ' + e.blockedURI);
  });
  function text(el) { return (el.textContent || '').replace(/\s+/g, ' ').trim(); }
  function box(r) { return { x: r.x, y: r.y, width: r.width, height: r.height }; }
  function inside(r, o) {
    var eps = 0.5;
    return r.left >= o.left - eps && r.top >= o.top - eps &&
      r.right <= o.right + eps && r.bottom <= o.bottom + eps;
  }
  function rows(selector) {
    return Array.prototype.map.call(document.querySelectorAll(selector), function (tr) {
      var attrs = {};
      Array.prototype.forEach.call(tr.attributes, function (a) { attrs[a.name] = a.value; });
      return {
        attrs: attrs,
        cells: Array.prototype.map.call(tr.cells, text),
        visible: tr.getBoundingClientRect().height > 0
      };
    });
  }
  function externalRefs() {
    var out = [];
    var urlAttr = /^\s*(?:[a-z][a-z0-9+.-]*:|\/\/)/i;
    Array.prototype.forEach.call(document.querySelectorAll('*'), function (el) {
      if (el.id === '__OUT_ID__' || el.hasAttribute('data-priors-inspection')) return;
      Array.prototype.forEach.call(el.attributes, function (a) {
        var n = a.name.toLowerCase(), v = a.value;
        var isUrl = n === 'src' || n === 'href' || n === 'xlink:href' || n === 'srcset' ||
          n === 'action' || n === 'poster' || n === 'data' || n === 'background';
        if (isUrl && urlAttr.test(v) && !/^\s*(?:data|about):/i.test(v)) out.push(el.tagName + '[' + n + ']=' + v);
        if (n === 'style' && /url\s*\(|@import/i.test(v)) out.push(el.tagName + '[style]=' + v);
      });
      if (el.tagName.toLowerCase() === 'style' && /url\s*\(|@import/i.test(el.textContent)) {
        out.push('style: url() or @import');
      }
      if (el.tagName.toLowerCase() === 'link') out.push('link ' + el.getAttribute('rel') + ' ' + el.getAttribute('href'));
    });
    return out;
  }
  function inspect() {
    var svgs = document.querySelectorAll('svg.chart');
    var svg = svgs[0] || null;
    var svgBox = svg ? svg.getBoundingClientRect() : null;
    var series = Array.prototype.map.call(document.querySelectorAll('svg g.series'), function (g) {
      var line = g.querySelector('polyline, path.line');
      return {
        lesion: g.getAttribute('data-lesion'),
        stroke: line ? getComputedStyle(line).stroke : null,
        line_points: line && line.points ? line.points.numberOfItems : null,
        resolved: g.querySelectorAll('.resolved').length,
        title: g.querySelector('title') ? text(g.querySelector('title')) : null,
        circles: Array.prototype.map.call(g.querySelectorAll('circle'), function (c) {
          var bb = c.getBBox(), r = c.getBoundingClientRect();
          var t = c.querySelector('title');
          return {
            study: c.getAttribute('data-study'),
            suv: c.getAttribute('data-suv'),
            class: c.getAttribute('class'),
            title: t ? text(t) : null,
            bbox: box(bb),
            rect: box(r),
            nonzero: bb.width > 0 && bb.height > 0 && r.width > 0 && r.height > 0,
            inside: svgBox ? inside(r, svgBox) : false
          };
        })
      };
    });
    var circles = [].concat.apply([], series.map(function (s) { return s.circles; }));
    var resources = performance.getEntriesByType('resource').map(function (e) { return e.name; });
    var pageScripts = Array.prototype.filter.call(document.scripts, function (s) {
      return !s.hasAttribute('data-priors-inspection');
    }).length;
    return {
      title: document.title,
      svg_count: svgs.length,
      svg_box: svgBox ? box(svgBox) : null,
      series_count: document.querySelectorAll('svg g.series').length,
      series: series,
      circles_total: circles.length,
      circles_outside: circles.filter(function (c) { return !c.inside; }).length,
      circles_empty: circles.filter(function (c) { return !c.nonzero; }).length,
      legend: Array.prototype.map.call(document.querySelectorAll('.legend li'), function (li) {
        return li.getAttribute('data-lesion');
      }),
      no_chart: document.querySelector('.no-chart') ? text(document.querySelector('.no-chart')) : null,
      studies: rows('table.studies tbody tr.study'),
      similar: rows('table.similar tbody tr.similar'),
      header: document.querySelector('header') ? text(document.querySelector('header')) : null,
      resource_count: resources.length,
      resources: resources,
      failed_resources: failed,
      csp_violations: violations,
      external_refs: externalRefs(),
      page_scripts: pageScripts,
      doc_width: document.documentElement.scrollWidth,
      viewport_width: window.innerWidth
    };
  }
  function run() {
    var result;
    try { result = inspect(); } catch (e) { result = { error: String(e && e.stack || e) }; }
    var json = JSON.stringify(result).replace(/[<>&\u007f-\uffff]/g, function (c) {
      return '\\u' + ('0000' + c.charCodeAt(0).toString(16)).slice(-4);
    });
    var pre = document.createElement('pre');
    pre.id = '__OUT_ID__';
    pre.setAttribute('data-priors-inspection', '');
    pre.textContent = json;
    (document.body || document.documentElement).appendChild(pre);
  }
  if (document.readyState === 'complete') run(); else window.addEventListener('load', run);
})();
"#;

/// The Chromium binary: `$CHROMIUM`, `/usr/bin/chromium`, or `chromium` on `PATH`. Panics,
/// naming `make setup`, when there is none.
pub fn chromium_path() -> PathBuf {
    if let Some(p) = std::env::var_os("CHROMIUM").filter(|p| !p.is_empty()) {
        let p = PathBuf::from(p);
        assert!(
            p.is_file(),
            "CHROMIUM={} is not a file: unset it to use Debian's Chromium, installed by `make setup` \
             (scripts/setup_browser.sh)",
            p.display()
        );
        return p;
    }
    let debian = Path::new("/usr/bin/chromium");
    if debian.is_file() {
        return debian.to_path_buf();
    }
    if let Some(p) = std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|d| d.join("chromium"))
        .find(|p| p.is_file())
    {
        return p;
    }
    panic!(
        "Chromium is not installed (no /usr/bin/chromium, no `chromium` on PATH): the browser \
         tests need it. Run `make setup` (it installs Debian's chromium package via \
         scripts/setup_browser.sh), or `bash scripts/setup_browser.sh`."
    );
}

/// `file://` URL of an absolute path (bytes outside the unreserved set percent-encoded).
fn file_url(p: &Path) -> String {
    let mut url = String::from("file://");
    for b in p.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            url.push(char::from(b));
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url
}

/// What one Chromium run left behind.
struct Run {
    stdout: String,
    stderr: String,
}

/// Runs Chromium headless on `page` with `extra` flags (a fresh profile under `dir`), killing
/// it after [`TIMEOUT`]. Panics on a timeout or a failed exit, with the tail of its stderr.
fn run_chromium(dir: &Path, page: &Path, extra: &[String]) -> Run {
    let bin = chromium_path();
    let profile = dir.join("profile");
    fs::create_dir_all(&profile).expect("create the Chromium profile directory");
    let (out_path, err_path) = (dir.join("stdout.txt"), dir.join("stderr.txt"));
    let mut cmd = Command::new(&bin);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        "--mute-audio",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .arg("--virtual-time-budget=2000")
    .args(extra)
    .arg(file_url(page))
    .current_dir(dir)
    .env("HOME", dir)
    .stdin(Stdio::null())
    .stdout(fs::File::create(&out_path).expect("create stdout file"))
    .stderr(fs::File::create(&err_path).expect("create stderr file"));
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}; run `make setup`", bin.display()));
    let start = Instant::now();
    let status = loop {
        match child.try_wait().expect("wait for Chromium") {
            Some(s) => break s,
            None if start.elapsed() > TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "Chromium did not finish within {TIMEOUT:?} on {}\n--- stderr (tail) ---\n{}",
                    page.display(),
                    tail(&fs::read_to_string(&err_path).unwrap_or_default())
                );
            }
            None => std::thread::sleep(Duration::from_millis(50)),
        }
    };
    let run = Run {
        stdout: fs::read_to_string(&out_path).unwrap_or_default(),
        stderr: fs::read_to_string(&err_path).unwrap_or_default(),
    };
    assert!(
        status.success(),
        "{} exited with {status} on {}\n--- stderr (tail) ---\n{}",
        bin.display(),
        page.display(),
        tail(&run.stderr)
    );
    run
}

/// The last lines of a log.
fn tail(s: &str) -> String {
    let lines: Vec<&str> = s.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

/// `html` with the inspection script inserted: after `<meta charset…>` if there is one (the
/// charset must stay in the first 1024 bytes), else after `<head…>`, else before `</body>`,
/// else at the end. Either way before a CSP meta tag that follows the charset.
fn with_inspection(html: &str) -> String {
    let script = format!(
        "<script data-priors-inspection>{}</script>",
        INSPECT_JS.replace("__OUT_ID__", OUT_ID)
    );
    let lower = html.to_ascii_lowercase();
    let after_tag = |open: &str| {
        lower
            .find(open)
            .and_then(|i| lower[i..].find('>').map(|j| i + j + 1))
    };
    let at = after_tag("<meta charset")
        .or_else(|| after_tag("<head"))
        .or_else(|| lower.rfind("</body>"))
        .unwrap_or(html.len());
    format!("{}{script}{}", &html[..at], &html[at..])
}

/// Loads `html` in headless Chromium and returns what the page looks like once laid out, as
/// JSON (see the inspection script): `title`, `svg_count`, `svg_box`, `series_count`,
/// `series` (`lesion`, `stroke`, `line_points`, `resolved`, `circles` with `study`, `suv`,
/// `bbox`, `rect`, `nonzero`, `inside`), `circles_total` / `_outside` / `_empty`, `legend`,
/// `no_chart`, `studies` and `similar` (each row's `attrs` and `cells` texts), `header`,
/// `resource_count`, `resources`, `failed_resources`, `csp_violations`, `external_refs`,
/// `page_scripts`, `doc_width`, `viewport_width`.
///
/// Panics when Chromium is missing (run `make setup`), fails, times out, or the script left
/// no result (a script error is returned as `{"error": …}` instead).
pub fn inspect(html: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().expect("temp dir");
    let page = dir.path().join("page.html");
    fs::write(&page, with_inspection(html)).expect("write page");
    let run = run_chromium(
        dir.path(),
        &page,
        &["--window-size=1280,900".into(), "--dump-dom".into()],
    );
    let marker = format!("id=\"{OUT_ID}\"");
    let start = run
        .stdout
        .find(&marker)
        .and_then(|i| run.stdout[i..].find('>').map(|j| i + j + 1));
    let start = start.unwrap_or_else(|| {
        panic!(
            "the inspection script wrote no result (did the page load?)\n--- dumped DOM (head) ---\n{}\n--- stderr (tail) ---\n{}",
            run.stdout.chars().take(2000).collect::<String>(),
            tail(&run.stderr)
        )
    });
    let end = start + run.stdout[start..].find("</pre>").expect("closing </pre>");
    let json = &run.stdout[start..end];
    serde_json::from_str(json)
        .unwrap_or_else(|e| panic!("inspection result is not JSON ({e}): {json}"))
}

/// Screenshots `html` at 1280×900 into `png` and checks it is a PNG of more than
/// [`MIN_SCREENSHOT_BYTES`] (a blank page compresses to far less). Returns its size in bytes.
pub fn screenshot(html: &str, png: &Path) -> u64 {
    let dir = tempfile::tempdir().expect("temp dir");
    let page = dir.path().join("page.html");
    fs::write(&page, html).expect("write page");
    let png = if png.is_absolute() {
        png.to_path_buf()
    } else {
        std::env::current_dir().expect("cwd").join(png)
    };
    let _ = fs::remove_file(&png);
    let run = run_chromium(
        dir.path(),
        &page,
        &[
            format!("--screenshot={}", png.display()),
            "--window-size=1280,900".into(),
        ],
    );
    let bytes = fs::read(&png).unwrap_or_else(|e| {
        panic!(
            "no screenshot at {} ({e})\n--- stderr (tail) ---\n{}",
            png.display(),
            tail(&run.stderr)
        )
    });
    assert!(
        bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "{} is not a PNG",
        png.display()
    );
    let size = bytes.len() as u64;
    assert!(
        size > MIN_SCREENSHOT_BYTES,
        "screenshot {} is only {size} bytes: the page looks blank",
        png.display()
    );
    size
}
