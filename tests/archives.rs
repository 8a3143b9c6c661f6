//! Archives as input: a .zip, .tar, .tar.gz or .tgz of reports gives the rows that the
//! same files give in a folder (doc_ids prefixed with the archive's name); a damaged
//! archive or member gets a failed row with its reason and the run goes on; output
//! bytes do not depend on the thread count.

mod common;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use common::{gongkai, read_csv, root};

/// The outputs compared between runs.
const OUTPUTS: &[&str] = &[
    "cells.csv",
    "documents.csv",
    "corrections.csv",
    "review.csv",
    "requests.csv",
];

/// A folder of reports (samples and the real corpus, in subfolders) plus a file that
/// is not text; gives the member names in name order, as a folder is read.
fn reports(dir: &Path) -> Vec<String> {
    let mut names = Vec::new();
    for (from, to) in [("samples", "samples"), ("tests/data/real", "real")] {
        fs::create_dir_all(dir.join(to)).unwrap();
        for e in fs::read_dir(root().join(from)).unwrap() {
            let path = e.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            fs::copy(&path, dir.join(to).join(&name)).unwrap();
            names.push(format!("{to}/{name}"));
        }
    }
    names.sort();
    names
}

fn tar_of(dir: &Path, names: &[String], out: impl Write) -> impl Write {
    let mut b = tar::Builder::new(out);
    for n in names {
        b.append_path_with_name(dir.join(n), n).unwrap();
    }
    b.into_inner().unwrap()
}

fn zip_of(dir: &Path, names: &[String], out: &Path) {
    let mut z = zip::ZipWriter::new(fs::File::create(out).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for n in names {
        z.start_file(n.as_str(), opts).unwrap();
        z.write_all(&fs::read(dir.join(n)).unwrap()).unwrap();
    }
    z.finish().unwrap();
}

/// Writes `name` (its extension says which kind) holding `names` from `dir`.
fn archive(dir: &Path, names: &[String], name: &Path) {
    let file = || fs::File::create(name).unwrap();
    let s = name.to_string_lossy();
    if s.ends_with(".zip") {
        zip_of(dir, names, name);
    } else if s.ends_with(".tar") {
        tar_of(dir, names, file()).flush().unwrap();
    } else {
        let gz = flate2::write::GzEncoder::new(file(), flate2::Compression::fast());
        let mut gz = tar_of(dir, names, gz);
        gz.flush().unwrap();
    }
}

fn clean(inputs: &[&Path], out: &Path, extra: &[&str]) {
    let mut args = vec!["clean".to_string()];
    args.extend(inputs.iter().map(|p| p.to_string_lossy().into_owned()));
    args.extend([
        "--out".into(),
        out.to_string_lossy().into_owned(),
        "-q".into(),
    ]);
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = gongkai(&args);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
}

/// An output with the doc_id prefix `prefix/` taken out (doc ids also appear inside
/// review details), and the source column, which names the archive, dropped.
fn unprefixed(path: &Path, prefix: &str) -> Vec<std::collections::BTreeMap<String, String>> {
    read_csv(path)
        .into_iter()
        .map(|mut row| {
            row.remove("source");
            row.into_iter()
                .map(|(k, v)| (k, v.replace(&format!("{prefix}/"), "")))
                .collect()
        })
        .collect()
}

#[test]
fn an_archive_gives_the_rows_its_files_give_in_a_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("files");
    let names = reports(&dir);
    fs::write(dir.join("notes.md"), "not a report").unwrap();
    let with_notes: Vec<String> = names
        .iter()
        .cloned()
        .chain(["notes.md".to_string()])
        .collect();
    let folder_out = tmp.path().join("out-folder");
    clean(&[&dir], &folder_out, &[]);
    let folder_docs = read_csv(&folder_out.join("documents.csv"));
    assert!(folder_docs.len() >= 15, "{}", folder_docs.len());
    for kind in [
        "zz-bundle.zip",
        "zz-bundle.tar",
        "zz-bundle.tar.gz",
        "zz-bundle.tgz",
    ] {
        let path = tmp.path().join(kind);
        archive(&dir, &with_notes, &path);
        let out = tmp.path().join(format!("out-{kind}"));
        clean(&[&path], &out, &[]);
        for f in OUTPUTS {
            assert_eq!(
                unprefixed(&out.join(f), "zz-bundle"),
                unprefixed(&folder_out.join(f), "zz-bundle"),
                "{kind}: {f}"
            );
        }
        let docs = read_csv(&out.join("documents.csv"));
        assert!(docs.iter().all(|d| d["doc_id"].starts_with("zz-bundle/")));
        assert!(
            docs.iter()
                .any(|d| d["source"].ends_with(&format!("{kind}/samples/yanchi-2019-seed.txt"))),
            "{docs:#?}"
        );
        // The member that is not text-like is skipped, as in a folder.
        assert!(!docs.iter().any(|d| d["doc_id"].contains("notes")));
    }
}

#[test]
fn a_damaged_archive_or_member_gets_a_row_with_its_reason_and_the_run_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("files");
    let names = reports(&dir);
    let input = tmp.path().join("in");
    fs::create_dir_all(&input).unwrap();
    archive(&dir, &names, &input.join("whole.tar.gz"));
    let bytes = fs::read(input.join("whole.tar.gz")).unwrap();
    // Cut in the middle of the compressed stream: the first members read, then damage.
    fs::write(input.join("cut.tar.gz"), &bytes[..bytes.len() / 2]).unwrap();
    fs::write(input.join("junk.zip"), b"PK\x03\x04 this is not a zip file").unwrap();
    fs::write(input.join("empty.tar"), b"").unwrap();
    fs::copy(
        root().join("samples/yanchi-2019-seed.txt"),
        input.join("seed.txt"),
    )
    .unwrap();
    let out = tmp.path().join("out");
    clean(&[&input], &out, &[]);
    let docs = read_csv(&out.join("documents.csv"));
    let row = |id: &str| {
        docs.iter()
            .find(|d| d["doc_id"] == id)
            .unwrap_or_else(|| panic!("no row for {id}: {docs:#?}"))
    };
    for (id, why) in [
        ("junk", "cannot read this archive"),
        ("empty", "holds no members"),
        ("cut", "damaged after"),
    ] {
        let r = row(id);
        assert_eq!(r["status"], "failed", "{r:?}");
        assert!(r["error"].contains(why), "{id}: {}", r["error"]);
    }
    assert_ne!(row("seed")["status"], "failed");
    let whole = docs
        .iter()
        .filter(|d| d["doc_id"].starts_with("whole/"))
        .count();
    assert_eq!(whole, names.iter().filter(|n| !n.ends_with(".md")).count());
    let cut_read = docs
        .iter()
        .filter(|d| d["doc_id"].starts_with("cut/") && d["status"] != "failed")
        .count();
    assert!(cut_read > 0 && cut_read < whole, "{cut_read} of {whole}");
}

#[test]
fn a_member_is_not_unpacked_past_max_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("files");
    fs::create_dir_all(&dir).unwrap();
    // 4 MB of zeros: a few KB compressed, as a zip bomb would be.
    fs::write(dir.join("bomb.txt"), vec![b'0'; 4 << 20]).unwrap();
    fs::copy(
        root().join("samples/yanchi-2019-seed.txt"),
        dir.join("seed.txt"),
    )
    .unwrap();
    let names = vec!["bomb.txt".to_string(), "seed.txt".to_string()];
    for kind in ["b.zip", "b.tar.gz"] {
        let path = tmp.path().join(kind);
        archive(&dir, &names, &path);
        assert!(fs::metadata(&path).unwrap().len() < 200_000);
        let out = tmp.path().join(format!("out-{kind}"));
        clean(&[&path], &out, &["--max-bytes", "100000"]);
        let docs = read_csv(&out.join("documents.csv"));
        assert_eq!(docs.len(), 2, "{docs:#?}");
        assert_eq!(docs[0]["doc_id"], "b/bomb");
        assert_eq!(docs[0]["status"], "failed");
        assert!(
            docs[0]["error"].contains("--max-bytes"),
            "{}",
            docs[0]["error"]
        );
        assert_ne!(docs[1]["status"], "failed");
    }
}

#[test]
fn output_bytes_are_the_same_at_one_and_two_threads_for_folders_and_archives() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("files");
    let names = reports(&dir);
    let tgz = tmp.path().join("a.tar.gz");
    archive(&dir, &names, &tgz);
    let zip = tmp.path().join("a.zip");
    archive(&dir, &names, &zip);
    let inputs: [(&str, Vec<PathBuf>); 2] =
        [("folder", vec![dir.clone()]), ("archives", vec![tgz, zip])];
    for (what, paths) in inputs {
        let paths: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
        let one = tmp.path().join(format!("{what}-1"));
        let two = tmp.path().join(format!("{what}-2"));
        clean(&paths, &one, &["--jobs", "1"]);
        clean(&paths, &two, &["--jobs", "2"]);
        for f in OUTPUTS {
            let a = fs::read(one.join(f)).unwrap();
            assert!(a.len() > 100, "{what}: {f} is empty");
            assert!(a == fs::read(two.join(f)).unwrap(), "{what}: {f} differs");
        }
    }
}
