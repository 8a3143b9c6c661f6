//! The `gongkai` binary on folders of mixed, awkward files.

mod common;

use std::fs;
use std::path::Path;

use common::{gongkai, gongkai_stdin, read_csv, root};

fn by_id(
    docs: &[std::collections::BTreeMap<String, String>],
    id: &str,
) -> std::collections::BTreeMap<String, String> {
    docs.iter()
        .find(|d| d["doc_id"] == id)
        .unwrap_or_else(|| panic!("no row for {id}: {docs:#?}"))
        .clone()
}

/// A folder with real reports in several encodings and files that are not reports.
fn mixed_archive(dir: &Path) {
    let real = root().join("tests/data/real");
    let huaian = fs::read_to_string(real.join("009_huaian-szf-2024.txt")).unwrap();
    fs::create_dir_all(dir.join("gbk")).unwrap();
    let (gb, _, _) = encoding_rs::GB18030.encode(&huaian);
    fs::write(dir.join("gbk/huaian.txt"), &gb).unwrap();
    let hongze = fs::read_to_string(real.join("010_hongze-qzf-2023.txt")).unwrap();
    let mut utf16 = vec![0xff, 0xfe];
    utf16.extend(hongze.encode_utf16().flat_map(|u| u.to_le_bytes()));
    fs::write(dir.join("hongze-utf16.txt"), utf16).unwrap();
    fs::copy(
        root().join("samples/yanchi-2019-seed.txt"),
        dir.join("seed.txt"),
    )
    .unwrap();
    fs::write(dir.join("empty.txt"), b"").unwrap();
    let mut scan = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    scan.extend((0..2000u32).map(|i| (i * 7919 % 251) as u8));
    fs::write(dir.join("scan.txt"), scan).unwrap();
    fs::write(dir.join("news.txt"), "本报讯 今天上午，全县召开春季农业生产工作会议。\n会议要求，一、抓好春耕备耕；二、做好防汛准备。\n").unwrap();
    fs::write(dir.join("notes.md"), "not matched by the default glob").unwrap();
}

#[test]
fn every_file_of_a_mixed_archive_gets_exactly_one_documents_row() {
    let tmp = tempfile::tempdir().unwrap();
    let (input, out) = (tmp.path().join("in"), tmp.path().join("out"));
    fs::create_dir_all(&input).unwrap();
    mixed_archive(&input);
    let run = gongkai(&[
        "clean",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let docs = read_csv(&out.join("documents.csv"));
    let ids: Vec<&str> = docs.iter().map(|d| d["doc_id"].as_str()).collect();
    assert_eq!(
        ids,
        [
            "empty",
            "gbk/huaian",
            "hongze-utf16",
            "news",
            "scan",
            "seed"
        ]
    );

    let gbk = by_id(&docs, "gbk/huaian");
    assert_eq!(
        (
            gbk["encoding"].as_str(),
            gbk["status"].as_str(),
            gbk["template"].as_str()
        ),
        ("GBK", "ok", "2021")
    );
    assert_eq!(
        (gbk["agency"].as_str(), gbk["year"].as_str()),
        ("淮安市人民政府", "2024")
    );
    let u16 = by_id(&docs, "hongze-utf16");
    assert_eq!(
        (u16["encoding"].as_str(), u16["status"].as_str()),
        ("UTF-16LE", "flagged")
    );
    let empty = by_id(&docs, "empty");
    assert_eq!(empty["status"], "not_a_report");
    assert!(empty["error"].contains("empty"), "{}", empty["error"]);
    let scan = by_id(&docs, "scan");
    assert_eq!(scan["status"], "failed");
    assert!(
        scan["error"].contains("not a text file"),
        "{}",
        scan["error"]
    );
    assert_eq!(by_id(&docs, "news")["status"], "not_a_report");
    assert_eq!(by_id(&docs, "seed")["status"], "flagged");

    // Cells only for documents with tables; the GB18030 report is read in full.
    let cells = read_csv(&out.join("cells.csv"));
    let huaian_cells: Vec<_> = cells
        .iter()
        .filter(|c| c["doc_id"] == "gbk/huaian")
        .collect();
    assert_eq!(huaian_cells.len(), 200);
    assert!(huaian_cells
        .iter()
        .any(|c| c["row_id"] == "new" && c["column_id"] == "total" && c["value"] == "3119"));
    assert!(!cells
        .iter()
        .any(|c| ["empty", "scan", "news"].contains(&c["doc_id"].as_str())));
    for f in [
        "corrections.csv",
        "review.csv",
        "proactive.csv",
        "requests.csv",
        "appeals.csv",
    ] {
        assert!(out.join(f).exists(), "{f}");
    }
    let leftovers: Vec<_> = fs::read_dir(&out)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn output_is_byte_identical_at_one_and_two_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let samples = root().join("samples");
    let real = root().join("tests/data/real");
    for (out, jobs) in [(&a, "1"), (&b, "2")] {
        let run = gongkai(&[
            "clean",
            samples.to_str().unwrap(),
            real.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "-q",
            "--jobs",
            jobs,
        ]);
        assert!(run.status.success());
    }
    for f in [
        "cells.csv",
        "documents.csv",
        "corrections.csv",
        "review.csv",
        "proactive.csv",
        "requests.csv",
        "appeals.csv",
    ] {
        let (x, y) = (fs::read(a.join(f)).unwrap(), fs::read(b.join(f)).unwrap());
        assert!(x.len() > 100, "{f} is nearly empty");
        assert!(x == y, "{f} differs between --jobs 1 and --jobs 2");
    }
}

#[test]
fn paths_can_come_on_stdin_and_bom_is_optional() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let list = format!(
        "{}\n{}\n",
        root().join("samples/yanchi-2019-seed.txt").display(),
        root().join("samples/huaian-2024-tabbed.txt").display()
    );
    let run = gongkai_stdin(
        &["clean", "-", "--out", out.to_str().unwrap(), "--bom", "-q"],
        &list,
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let raw = fs::read(out.join("documents.csv")).unwrap();
    assert!(raw.starts_with("\u{feff}doc_id,".as_bytes()));
    let ids: Vec<String> = read_csv(&out.join("documents.csv"))
        .into_iter()
        .map(|d| d["doc_id"].clone())
        .collect();
    assert_eq!(ids, ["yanchi-2019-seed", "huaian-2024-tabbed"]);
    let plain = tmp.path().join("plain");
    gongkai(&[
        "clean",
        root()
            .join("samples/yanchi-2019-seed.txt")
            .to_str()
            .unwrap(),
        "--out",
        plain.to_str().unwrap(),
        "-q",
    ]);
    assert!(fs::read(plain.join("cells.csv")).unwrap().starts_with(
        b"doc_id,table,row_id,row_label,column_id,column_label,value,status,source_line,raw\n"
    ));
}

#[test]
fn an_unusable_output_folder_is_an_error_with_a_hint() {
    let tmp = tempfile::tempdir().unwrap();
    let blocker = tmp.path().join("file");
    fs::write(&blocker, "x").unwrap();
    let out = blocker.join("out");
    let run = gongkai(&[
        "clean",
        root().join("samples").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    assert!(!run.status.success());
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(
        err.contains("cannot write") && err.contains("choose another --out"),
        "{err}"
    );
}

#[test]
fn missing_inputs_are_reported_per_file_and_the_run_completes() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let run = gongkai(&[
        "clean",
        "/no/such/report.txt",
        root()
            .join("samples/yanchi-2019-seed.txt")
            .to_str()
            .unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(run.status.success());
    let docs = read_csv(&out.join("documents.csv"));
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0]["status"], "failed");
    assert!(docs[0]["error"].contains("cannot open"));
    let summary = String::from_utf8_lossy(&run.stderr);
    assert!(
        summary.contains("2 documents") && summary.contains("1 failed"),
        "{summary}"
    );
}

#[test]
fn formula_like_text_from_a_report_is_neutralised() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("evil.txt");
    let seed = fs::read_to_string(root().join("samples/yanchi-2019-seed.txt")).unwrap();
    fs::write(
        &input,
        seed.replace("盐池县政府办公室", "=HYPERLINK(\"http://x\")"),
    )
    .unwrap();
    let out = tmp.path().join("out");
    gongkai(&[
        "clean",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    let docs = read_csv(&out.join("documents.csv"));
    assert!(docs[0]["agency"].starts_with("'="), "{}", docs[0]["agency"]);
}
