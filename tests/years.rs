//! Across an archive: two reports of one agency in consecutive years are checked
//! against each other (this year's 二、上年结转 = last year's 四、结转下年度继续办理),
//! and a failure is a warning in review.csv that changes no value.

mod common;

use std::fs;

use common::{consistent_values, dict, gongkai, read_csv, render_report, Layout, Rng};

#[test]
fn a_carry_over_that_last_year_does_not_match_is_a_cross_year_warning() {
    let d = dict();
    let template = &d.templates[1];
    let tmp = tempfile::tempdir().unwrap();
    let last = consistent_values(template, &mut Rng(7));
    let mut this = consistent_values(template, &mut Rng(8));
    // This year's carried-over requests: last year's carried forward, plus one in
    // 自然人 and 总计 when `mismatch`.
    let mut run = |mismatch: bool| {
        let forward = last["requests"]["carry_forward"].clone();
        let carried = this
            .get_mut("requests")
            .unwrap()
            .get_mut("carried")
            .unwrap();
        let delta: Vec<i64> = forward
            .iter()
            .zip(carried.iter())
            .map(|(f, c)| f - c)
            .collect();
        *carried = forward.clone();
        if mismatch {
            carried[0] += 1;
            carried[6] += 1;
        }
        // Keep this year's own identities true: 一 + 二 = （七） + 四.
        let new = this.get_mut("requests").unwrap().get_mut("new").unwrap();
        for c in 0..7 {
            new[c] -= delta[c] + i64::from(mismatch && (c == 0 || c == 6));
        }
        let dir = tmp.path().join(if mismatch { "bad" } else { "good" });
        fs::create_dir_all(dir.join("in")).unwrap();
        let agency = "测试县人民政府办公室";
        for (year, v) in [(2022, &last), (2023, &this)] {
            let text = render_report(template, agency, year, v, Layout::Tabbed);
            fs::write(dir.join(format!("in/{year}.txt")), text).unwrap();
        }
        let out = dir.join("out");
        let run = gongkai(&[
            "clean",
            dir.join("in").to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "-q",
        ]);
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        read_csv(&out.join("review.csv"))
            .into_iter()
            // The generated table 二 values are random, so only the carry-over is checked.
            .filter(|r| r["problem"] == "cross_year" && r["detail"].starts_with("carry-over"))
            .collect::<Vec<_>>()
    };
    let warned = run(true);
    assert_eq!(warned.len(), 2, "{warned:?}");
    assert!(warned
        .iter()
        .all(|w| w["doc_id"] == "2023" && w["table"] == "requests"));
    assert!(run(false).is_empty());
}
