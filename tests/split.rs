//! Digit-run splitting: consistent rows of tables 三 and 四 (both templates, realistic
//! sizes) glued into one run are cut back into exactly their cells whenever the cut
//! is unique; otherwise the truth is among the readings offered and nothing is taken.
//! A whole flattened report then reads back with no wrong value marked trusted.

mod common;

use common::{consistent_values, dict, Rng};
use gongkai::dictionary::Domain;
use gongkai::numbers::Num;
use gongkai::placement::row_identities;
use gongkai::split::{cut_runs, Cuts};
use proptest::prelude::*;
use proptest::test_runner::RngSeed;

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, rng_seed: RngSeed::Fixed(20261127), ..ProptestConfig::default() })]

    #[test]
    fn a_glued_row_is_cut_back_exactly_or_left_open(seed in 1u64.., tpl in 0usize..2, appeals in any::<bool>(), spaces in 0u64..3) {
        let d = dict();
        let mut rng = Rng(seed);
        let template = &d.templates[tpl];
        let values = consistent_values(template, &mut rng);
        let tid = if appeals { "appeals" } else { "requests" };
        let table = template.table(tid).unwrap();
        let rows: Vec<(&String, &Vec<i64>)> = values[tid].iter().collect();
        let (row_id, want) = rows[rng.below(rows.len() as u64) as usize];
        let r = table.row_index(row_id).unwrap();
        let block = table.rows[r].block;
        let domains: Vec<Domain> = table.blocks[block].columns.iter().map(|c| c.domain).collect();
        // Glue the cells, keeping a space here and there as crawler dumps do.
        let mut run = String::new();
        for (i, v) in want.iter().enumerate() {
            if i > 0 && rng.below(7) < spaces {
                run.push(' ');
            }
            run.push_str(&v.to_string());
        }
        let tokens: Vec<&str> = run.split(' ').collect();
        let truth: Vec<Num> = want.iter().map(|&v| Num::int(v)).collect();
        match cut_runs(&tokens, domains.len(), &row_identities(table, block), &domains) {
            Cuts::Readings(readings) => {
                prop_assert!(readings.contains(&truth), "{run}: {readings:?}");
                if readings.len() == 1 {
                    prop_assert_eq!(&readings[0], &truth);
                }
            }
            Cuts::TooMany => {}
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, rng_seed: RngSeed::Fixed(20261127), ..ProptestConfig::default() })]

    #[test]
    fn a_flattened_report_never_yields_a_wrong_trusted_value(seed in 1u64.., tpl in 0usize..2) {
        use common::{render_report, Layout};
        use gongkai::{clean_document, CellStatus};
        let d = dict();
        let template = &d.templates[tpl];
        let values = consistent_values(template, &mut Rng(seed));
        let text = render_report(template, "测试县人民政府办公室", [2020, 2022][tpl], &values, Layout::Spaced);
        // A crawler dump: title on its line, everything else on one, cells glued.
        let mut lines = text.lines();
        let title = lines.next().unwrap_or_default();
        let body: String = lines.map(|l| l.split_whitespace().collect::<String>()).collect();
        let flat = format!("{title}\n{body}");
        let doc = clean_document(flat.as_bytes(), "t", "t.txt", &d);
        prop_assert_eq!(doc.form, "flattened");
        let mut right = 0;
        for tr in &doc.tables {
            let table = &template.tables[tr.table];
            for (r, row) in table.rows.iter().enumerate() {
                let Some(want) = values[&table.id].get(&row.id) else { continue };
                for (c, cell) in tr.cells[r].iter().enumerate() {
                    let Some(v) = cell.value else { continue };
                    if v == Num::int(want[c]) {
                        right += 1;
                    } else {
                        prop_assert!(
                            matches!(cell.status, CellStatus::Conflict | CellStatus::Missing),
                            "{} {} {c}: {v} marked {:?}, want {}", table.id, row.id, cell.status, want[c]
                        );
                    }
                }
            }
        }
        prop_assert!(right > 0);
    }
}
