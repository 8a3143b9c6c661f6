//! Hostile input and faults: every case in docs/robustness.md that the binary or the
//! library meets, with what must happen. Large files are generated here, never
//! committed.

mod common;

use std::fs;
use std::path::Path;

use common::{dict, gongkai, gongkai_stdin, read_csv, root};
use gongkai::output::{recover, JOURNAL, LOCK, STAGING};
use gongkai::{clean_document, DocStatus};

const OUTPUTS: [&str; 7] = [
    "cells.csv",
    "documents.csv",
    "corrections.csv",
    "review.csv",
    "proactive.csv",
    "requests.csv",
    "appeals.csv",
];

fn seed() -> String {
    fs::read_to_string(root().join("samples/yanchi-2019-seed.txt")).unwrap()
}

fn clean(args: &[&str], out: &Path) -> std::process::Output {
    let mut all = vec!["clean"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--out", out.to_str().unwrap(), "-q"]);
    gongkai(&all)
}

fn docs_by_id(out: &Path) -> std::collections::BTreeMap<String, (String, String)> {
    read_csv(&out.join("documents.csv"))
        .into_iter()
        .map(|d| {
            (
                d["doc_id"].clone(),
                (d["status"].clone(), d["error"].clone()),
            )
        })
        .collect()
}

fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut all: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let bytes = fs::read(e.path()).unwrap_or_default();
            (name, bytes)
        })
        .collect();
    all.sort();
    all
}

#[test]
fn files_over_max_bytes_are_skipped_unread_and_the_run_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    fs::create_dir_all(&input).unwrap();
    fs::write(input.join("report.txt"), seed()).unwrap();
    // 20 MB, over the 16 MiB default: made here, sparse, so it costs no disk.
    let huge = fs::File::create(input.join("huge.txt")).unwrap();
    huge.set_len(20_000_000).unwrap();
    let out = tmp.path().join("out");
    let run = clean(&[input.to_str().unwrap()], &out);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let docs = docs_by_id(&out);
    assert_eq!(docs["huge"].0, "failed");
    assert!(docs["huge"].1.contains("--max-bytes"), "{}", docs["huge"].1);
    assert_eq!(docs["report"].0, "flagged");
    // A lower limit skips the report too; a higher one reads it.
    let small = tmp.path().join("small");
    clean(&[input.to_str().unwrap(), "--max-bytes", "1000"], &small);
    assert!(docs_by_id(&small)["report"]
        .1
        .contains("over the --max-bytes limit of 1000"));
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_cleanly_and_keeps_the_previous_results() {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let sample = root().join("samples/pingtan-2021-cellperline.txt");
    assert!(clean(&[sample.to_str().unwrap()], &out).status.success());
    let before = snapshot(&out);
    // Enough documents that the run cannot end before the signal.
    let list = format!("{}\n", sample.display()).repeat(20_000);
    let mut child = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(["clean", "-", "--out", out.to_str().unwrap(), "--jobs", "1"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(list.as_bytes()).unwrap();
    }
    let start = Instant::now();
    while !out.join(STAGING).exists() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the run never started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(200));
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let done = child.wait_with_output().unwrap();
    assert_eq!(done.status.code(), Some(130));
    let err = String::from_utf8_lossy(&done.stderr);
    assert!(
        err.contains("interrupted after") && err.contains("previous results"),
        "{err}"
    );
    assert!(snapshot(&out) == before, "OUT_DIR changed");
}

#[test]
fn a_commit_cut_short_is_finished_by_the_next_run_and_a_stale_staging_folder_removed() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path();
    fs::write(out.join("cells.csv"), "old").unwrap();
    fs::write(out.join("review.csv"), "old").unwrap();
    let staging = out.join(STAGING);
    fs::create_dir(&staging).unwrap();
    // Killed after moving cells.csv, before review.csv: the journal lists both.
    fs::write(out.join("cells.csv"), "new").unwrap();
    fs::write(staging.join("review.csv"), "new").unwrap();
    fs::write(out.join(JOURNAL), "cells.csv\nreview.csv").unwrap();
    recover(out).unwrap();
    assert_eq!(fs::read_to_string(out.join("cells.csv")).unwrap(), "new");
    assert_eq!(fs::read_to_string(out.join("review.csv")).unwrap(), "new");
    assert!(!out.join(JOURNAL).exists() && !staging.exists());
    // Killed while writing (no journal): the half-written files go, the old stay.
    fs::create_dir(&staging).unwrap();
    fs::write(staging.join("cells.csv"), "half").unwrap();
    recover(out).unwrap();
    assert!(!staging.exists());
    assert_eq!(fs::read_to_string(out.join("cells.csv")).unwrap(), "new");
}

#[test]
fn an_output_folder_that_is_a_file_or_read_only_is_an_error_with_a_hint() {
    let tmp = tempfile::tempdir().unwrap();
    let seed_path = root().join("samples/yanchi-2019-seed.txt");
    let file = tmp.path().join("file");
    fs::write(&file, "x").unwrap();
    let run = clean(&[seed_path.to_str().unwrap()], &file);
    assert_eq!(run.status.code(), Some(2));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(
        err.contains("cannot write") && err.contains("--out"),
        "{err}"
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), "x");

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let ro = tmp.path().join("ro");
        fs::create_dir(&ro).unwrap();
        fs::set_permissions(&ro, fs::Permissions::from_mode(0o555)).unwrap();
        // Root writes anywhere; then the run must simply succeed.
        let privileged = fs::write(ro.join("probe"), "").is_ok();
        let _ = fs::remove_file(ro.join("probe"));
        let run = clean(&[seed_path.to_str().unwrap()], &ro);
        let err = String::from_utf8_lossy(&run.stderr);
        if privileged {
            assert!(run.status.success(), "{err}");
        } else {
            assert_eq!(run.status.code(), Some(2));
            assert!(err.contains("not writable"), "{err}");
        }
    }
}

#[cfg(unix)]
#[test]
fn unreadable_files_broken_links_loops_and_pipes_are_reported_per_file() {
    use std::os::unix::fs::{symlink, PermissionsExt};
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    fs::create_dir_all(input.join("sub")).unwrap();
    fs::write(input.join("report.txt"), seed()).unwrap();
    symlink(tmp.path().join("nowhere.txt"), input.join("broken.txt")).unwrap();
    symlink(tmp.path().join("nowhere.png"), input.join("broken.png")).unwrap();
    symlink("..", input.join("sub/loop")).unwrap();
    let locked = input.join("locked.txt");
    fs::write(&locked, seed()).unwrap();
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    let privileged = fs::read(&locked).is_ok();
    let fifo = std::process::Command::new("mkfifo")
        .arg(input.join("pipe.txt"))
        .status()
        .is_ok_and(|s| s.success());
    let out = tmp.path().join("out");
    let run = clean(&[input.to_str().unwrap()], &out);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let docs = docs_by_id(&out);
    assert_eq!(docs["report"].0, "flagged");
    assert_eq!(docs["broken"].0, "failed");
    assert!(
        docs["broken"].1.contains("broken symlink"),
        "{:?}",
        docs["broken"]
    );
    assert!(
        !docs.contains_key("broken~2"),
        "a .png link is not a report"
    );
    assert!(
        docs["sub/loop"].1.contains("symlink loop"),
        "{:?}",
        docs["sub/loop"]
    );
    if privileged {
        assert_eq!(docs["locked"].0, "flagged");
    } else {
        assert!(
            docs["locked"].1.contains("ermission denied"),
            "{:?}",
            docs["locked"]
        );
    }
    if fifo {
        assert!(
            docs["pipe"].1.contains("not a regular file"),
            "{:?}",
            docs["pipe"]
        );
    }
}

#[test]
fn text_from_the_ocr_cannot_start_a_formula_or_carry_control_characters() {
    let tmp = tempfile::tempdir().unwrap();
    let evil = seed()
        .replace("盐池县政府办公室", "@cmd\u{7}\u{202e}盐池县政府办公室")
        .replace("规范性文件\t3\t3\t3", "规范性文件\t=1+2\t+3\t-3")
        .replace("4.保护第三方 △涉切关", "4.保护第三方 △涉切关\u{1b}[31m");
    fs::write(tmp.path().join("evil.txt"), evil).unwrap();
    let out = tmp.path().join("out");
    let run = clean(&[tmp.path().join("evil.txt").to_str().unwrap()], &out);
    assert!(run.status.success());
    let mut fields = 0;
    for f in OUTPUTS {
        for row in read_csv(&out.join(f)) {
            for (col, v) in row {
                fields += 1;
                assert!(!v.chars().any(char::is_control), "{f} {col}: {v:?}");
                assert!(!v.contains('\u{202e}'), "{f} {col}: {v:?}");
                let plain = v.split_whitespace().all(|t| t.parse::<f64>().is_ok());
                assert!(
                    !v.starts_with(['=', '+', '@']) && (!v.starts_with('-') || plain),
                    "{f} {col}: {v:?}"
                );
            }
        }
    }
    assert!(fields > 1000);
    let docs = read_csv(&out.join("documents.csv"));
    assert_eq!(docs[0]["agency"], "'@cmd盐池县政府办公室");
    // Labels and numbers are untouched.
    let cells = read_csv(&out.join("cells.csv"));
    let review = read_csv(&out.join("review.csv"));
    assert!(
        review.iter().any(|r| r["detail"].contains("(+3 -3)")),
        "{review:?}"
    );
    assert!(cells
        .iter()
        .any(|c| c["row_label"].ends_with("4.保护第三方合法权益")));
}

#[test]
fn what_is_not_a_report_of_a_known_template_is_named_not_forced_into_tables() {
    let d = dict();
    let status = |text: &str| clean_document(text.as_bytes(), "t", "t.txt", &d);
    let empty = status("");
    assert_eq!(
        (empty.status, empty.error.as_str()),
        (DocStatus::NotAReport, "the file is empty")
    );
    let news = status("本报讯 今天上午，全县召开春季农业生产工作会议。\n会议要求抓好春耕备耕。\n");
    assert_eq!(news.status, DocStatus::NotAReport);
    // The pre-2019 template (the 2008 regulation's statistics table).
    let old = fs::read_to_string(root().join("tests/data/hostile/template-2008.txt")).unwrap();
    let doc = status(&old);
    assert_eq!(doc.status, DocStatus::UnknownTemplate, "{}", doc.error);
    assert!(
        doc.error.contains("2018") && doc.tables.is_empty(),
        "{}",
        doc.error
    );
    // Without its year, its table of numbers still tells it apart from a report
    // whose tables are images.
    let doc = status(&old.replace("2018年", ""));
    assert_eq!(doc.status, DocStatus::UnknownTemplate, "{}", doc.error);
    assert!(doc.error.contains("lines of numbers"), "{}", doc.error);
    let prose: String = seed().lines().take(16).collect::<Vec<_>>().join("\n");
    assert_eq!(status(&prose).status, DocStatus::NoTables);
}

#[test]
fn pathological_shapes_finish_and_cr_line_endings_read_like_lf() {
    let d = dict();
    let seed = seed();
    let lf = clean_document(seed.as_bytes(), "t", "t", &d);
    let cr = clean_document(seed.replace('\n', "\r").as_bytes(), "t", "t", &d);
    assert_eq!(cr.status, lf.status);
    let values = |doc: &gongkai::model::DocResult| -> Vec<_> {
        doc.tables
            .iter()
            .flat_map(|t| t.cells.iter().flatten().map(|c| (c.value, c.status)))
            .collect()
    };
    assert_eq!(values(&cr), values(&lf));
    // Small versions of the release-mode timing cases (tests/hostile_timing.rs): one
    // line of 32 kB, 5,000 lines, one label 1,000 times. They must end with a status.
    let flat = seed.replace('\n', " ").repeat(4);
    let one_line = clean_document(flat.as_bytes(), "t", "t", &d);
    assert_ne!(one_line.status, DocStatus::Failed, "{}", one_line.error);
    let many = "0\n".repeat(5_000);
    assert_eq!(
        clean_document(many.as_bytes(), "t", "t", &d).status,
        DocStatus::NotAReport
    );
    // Past the line limit a document is refused at once, before it takes memory.
    let endless = "0\n".repeat(gongkai::document::MAX_LINES + 1);
    let refused = clean_document(endless.as_bytes(), "t", "t", &d);
    assert_eq!(refused.status, DocStatus::Failed);
    assert!(refused.error.contains("200001 lines"), "{}", refused.error);
    let head: String = seed.lines().take(40).collect::<Vec<_>>().join("\n");
    let repeated = format!(
        "{head}\n{}",
        "1.属于国家秘密\t0\t0\t0\t0\t0\t0\t0\n".repeat(3_000)
    );
    let doc = clean_document(repeated.as_bytes(), "t", "t", &d);
    assert_eq!(doc.status, DocStatus::Flagged);
}

#[test]
fn the_batch_outputs_are_complete_after_every_kind_of_bad_file() {
    // One run over everything above: exit 0, one row per file, no staging left.
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    fs::create_dir_all(&input).unwrap();
    fs::write(input.join("a-empty.txt"), "").unwrap();
    fs::write(input.join("b-nul.txt"), b"\0\0\0binary").unwrap();
    fs::write(input.join("c-invalid.txt"), [0xff, 0xfe, 0xfd, 0x80, 0x81]).unwrap();
    fs::write(input.join("d-report.txt"), seed()).unwrap();
    fs::copy(
        root().join("tests/data/hostile/template-2008.txt"),
        input.join("e-old.txt"),
    )
    .unwrap();
    let out = tmp.path().join("out");
    let list = format!("{}\n/no/such/file.txt\n", input.display());
    let run = gongkai_stdin(&["clean", "-", "--out", out.to_str().unwrap(), "-q"], &list);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let docs = docs_by_id(&out);
    assert_eq!(docs.len(), 6, "{docs:?}");
    assert_eq!(docs["a-empty"].0, "not_a_report");
    assert_eq!(docs["b-nul"].0, "failed");
    assert_eq!(docs["e-old"].0, "unknown_template");
    assert!(docs.values().all(|(s, e)| s == "flagged" || !e.is_empty()));
    for f in OUTPUTS {
        assert!(out.join(f).exists(), "{f}");
    }
    assert!(!out.join(STAGING).exists() && !out.join(JOURNAL).exists());
    assert!(!out.join(LOCK).exists());
}

#[test]
fn a_second_run_into_the_same_folder_waits_its_turn_and_a_stale_lock_is_taken_over() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let seed_path = root().join("samples/yanchi-2019-seed.txt");
    assert!(clean(&[seed_path.to_str().unwrap()], &out).status.success());
    // A live process (this test) holds the lock.
    fs::write(out.join(LOCK), std::process::id().to_string()).unwrap();
    let before = snapshot(&out);
    let run = clean(&[seed_path.to_str().unwrap()], &out);
    assert_eq!(run.status.code(), Some(2));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(
        err.contains("another gongkai run") && err.contains("--out"),
        "{err}"
    );
    assert!(snapshot(&out) == before, "OUT_DIR changed");
    #[cfg(target_os = "linux")]
    {
        // The run that left this lock is gone (no such process).
        fs::write(out.join(LOCK), "4000000000").unwrap();
        let run = clean(&[seed_path.to_str().unwrap()], &out);
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        assert!(!out.join(LOCK).exists());
    }
}
