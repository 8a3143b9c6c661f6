//! Invariants over generated reports: a clean report comes out exactly as written;
//! hostile bytes never panic; a garbled label never turns into a wrong number.

mod common;

use common::{consistent_values, dict, render_report, Layout, Rng};
use gongkai::{clean_document, CellStatus, DocStatus};
use proptest::prelude::*;
use proptest::test_runner::RngSeed;

const LAYOUTS: [Layout; 3] = [Layout::Tabbed, Layout::Spaced, Layout::CellPerLine];

proptest! {
    // A fixed seed keeps CI deterministic; set another to explore.
    #![proptest_config(ProptestConfig { cases: 64, rng_seed: RngSeed::Fixed(20261127), ..ProptestConfig::default() })]

    #[test]
    fn a_clean_report_is_read_exactly_and_changed_nowhere(seed in 1u64.., tpl in 0usize..2, layout in 0usize..3) {
        let d = dict();
        let template = &d.templates[tpl];
        let values = consistent_values(template, &mut Rng(seed));
        let text = render_report(template, "测试县人民政府办公室", [2020, 2022][tpl], &values, LAYOUTS[layout]);
        let doc = clean_document(text.as_bytes(), "t", "t.txt", &d);
        prop_assert_eq!(doc.template, Some(tpl), "template");
        prop_assert!(doc.corrections.is_empty(), "corrections on clean input: {:?}", doc.corrections);
        prop_assert!(doc.review.is_empty(), "review on clean input: {:?}\n{}", doc.review, text);
        prop_assert_eq!(doc.status, DocStatus::Ok);
        for tr in &doc.tables {
            let table = &template.tables[tr.table];
            for (r, row) in table.rows.iter().enumerate() {
                let Some(want) = values[&table.id].get(&row.id) else { continue };
                for (c, cell) in tr.cells[r].iter().enumerate() {
                    prop_assert_eq!(cell.status, CellStatus::Ok);
                    prop_assert_eq!(cell.value.map(|v| v.to_string()), Some(want[c].to_string()), "{} {}", row.id, c);
                }
            }
        }
        prop_assert_eq!(doc.tables.len(), 3);
    }

    #[test]
    fn one_garbled_character_per_label_never_gives_a_wrong_number(seed in 1u64.., layout in 0usize..3) {
        let d = dict();
        let mut rng = Rng(seed);
        let template = &d.templates[(seed % 2) as usize];
        let values = consistent_values(template, &mut rng);
        let clean = render_report(template, "测试县人民政府办公室", 2022, &values, LAYOUTS[layout]);
        // Replace one character inside every long row label by an unrelated one.
        let mut text = clean.clone();
        for t in &template.tables {
            for r in &t.rows {
                let chars: Vec<char> = r.label.text.chars().collect();
                if chars.len() < 6 {
                    continue;
                }
                let pos = 3 + rng.below(chars.len() as u64 - 3) as usize;
                let mut garbled = chars.clone();
                garbled[pos] = '口';
                let garbled: String = garbled.into_iter().collect();
                text = text.replacen(&r.label.text, &garbled, 1);
            }
        }
        let doc = clean_document(text.as_bytes(), "t", "t.txt", &d);
        for tr in &doc.tables {
            let table = &template.tables[tr.table];
            for (r, row) in table.rows.iter().enumerate() {
                let Some(want) = values[&table.id].get(&row.id) else { continue };
                for (c, cell) in tr.cells[r].iter().enumerate() {
                    let right = cell.value.map(|v| v.to_string()) == Some(want[c].to_string());
                    let flagged = matches!(cell.status, CellStatus::Missing | CellStatus::Conflict);
                    prop_assert!(right || flagged, "{} col {}: {:?} but truth {}", row.id, c, cell, want[c]);
                }
            }
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let d = dict();
        let doc = clean_document(&bytes, "x", "x.txt", &d);
        prop_assert_eq!(doc.doc_id, "x");
        if doc.status == DocStatus::Failed {
            prop_assert!(!doc.error.is_empty());
        }
    }

    #[test]
    fn report_like_noise_never_panics(seed in 1u64.., cut in 0usize..4000) {
        // Real report text cut and spliced at arbitrary points.
        let d = dict();
        let base = include_str!("../tests/data/real/009_huaian-szf-2024.txt");
        let chars: Vec<char> = base.chars().collect();
        let a = cut.min(chars.len());
        let b = (a + (seed % 3000) as usize).min(chars.len());
        let text: String = chars[..a].iter().chain(chars[b..].iter()).collect();
        let doc = clean_document(text.as_bytes(), "x", "x.txt", &d);
        prop_assert!(doc.status != DocStatus::Failed || !doc.error.is_empty());
    }
}

#[test]
#[ignore]
fn show_a_rendered_report() {
    let d = dict();
    for (i, l) in LAYOUTS.iter().enumerate() {
        let v = consistent_values(&d.templates[i % 2], &mut Rng(7));
        println!(
            "{}",
            render_report(&d.templates[i % 2], "测试县", 2022, &v, *l)
        );
    }
}
