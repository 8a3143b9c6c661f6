//! Rows that lost cells: consistent tables (both templates, tables 三 and 四) in which
//! k rows kept only some of their values, in order, as OCR leaves a line whose blank
//! or faint cells vanished; sometimes one kept value is also misread. Reconciled by
//! the steps documents go through (placement one run at a time, then together,
//! repairs, inference, checks): when every kept value is read right, a wrong value is
//! never `inferred` or `repaired` and every cell is right or flagged. With a misread
//! kept value too, a few wrong placements do get through (placement rests on the
//! values it places); the ignored test below counts them for docs/accuracy.md.
//!
//! Rates for docs/accuracy.md: `cargo test --release --test short_runs -- --ignored --nocapture`.

mod common;

use common::{consistent_values, dict, misread, table_result, CellScore, Rng};
use gongkai::dictionary::Table;
use gongkai::document::{
    drop_misread_row, drop_moot_review, note_unconfirmed_runs, reconcile_table, MAX_ROUNDS,
};
use gongkai::infer::infer_from_identities;
use gongkai::joint::place_jointly;
use gongkai::model::{Balance, Cell, RowPresence, TableResult};
use gongkai::numbers::Num;
use gongkai::placement::ShortRun;
use gongkai::placement::{give_unconfirmed, infer_unconfirmed, place_by_table};
use gongkai::reconcile::{check_identities, repair_misreads};
use gongkai::solve::System;
use gongkai::table::TableRead;
use gongkai::Dictionaries;
use proptest::prelude::*;
use proptest::test_runner::RngSeed;

/// `k` rows of one table lose 1–3 values each; with `misreads`, one kept value of the
/// first such row is misread too.
fn run(d: &Dictionaries, seed: u64, k: usize, misreads: bool) -> CellScore {
    let (mut read, table, truth, hit) = corrupted(d, seed, k, misreads);
    reconcile_table(&mut read, table, &d.lexicon, "text");
    CellScore::of(&truth, &read.result, |r, _| hit.contains(&r))
}

/// The table of [`run`] as read, the table, its true values and the rows hit.
fn corrupted(
    d: &Dictionaries,
    seed: u64,
    k: usize,
    misreads: bool,
) -> (TableRead, &Table, TableResult, Vec<usize>) {
    let mut rng = Rng(seed.max(1));
    let template = &d.templates[(seed % 2) as usize];
    let values = consistent_values(template, &mut rng);
    let tid = if seed % 4 == 0 { "appeals" } else { "requests" };
    let table = template.table(tid).unwrap();
    let truth = table_result(table, &values[tid]);
    let mut read = TableRead {
        result: truth.clone(),
        corrections: Vec::new(),
        review: Vec::new(),
        short: Vec::new(),
    };
    let found: Vec<usize> = (0..table.rows.len())
        .filter(|&r| truth.rows[r] == RowPresence::Found)
        .collect();
    let mut hit = Vec::new();
    for _ in 0..k {
        let r = found[rng.below(found.len() as u64) as usize];
        if hit.contains(&r) {
            continue;
        }
        hit.push(r);
        let n = truth.cells[r].len();
        let lose = 1 + rng.below(3.min(n as u64 - 1)) as usize;
        let mut lost = Vec::new();
        while lost.len() < lose {
            let c = rng.below(n as u64) as usize;
            if !lost.contains(&c) {
                lost.push(c);
            }
        }
        let mut kept: Vec<Num> = (0..n)
            .filter(|c| !lost.contains(c))
            .map(|c| truth.cells[r][c].value.unwrap())
            .collect();
        if misreads && hit.len() == 1 {
            let i = rng.below(kept.len() as u64) as usize;
            if let Some((v, _)) = misread(kept[i], d, &mut rng) {
                kept[i] = v;
            }
        }
        read.result.cells[r] = vec![Cell::missing(); n];
        read.short.push(ShortRun {
            row: r,
            raw: kept
                .iter()
                .map(Num::to_string)
                .collect::<Vec<_>>()
                .join(" "),
            values: kept,
            readings: Vec::new(),
            columns: None,
            ruled: Vec::new(),
            line: 1,
        });
    }
    (read, table, truth, hit)
}

/// `reconcile_table` before its steps shared one system: each formed the table's
/// identity instances afresh (repairs, each round's placements and inference, checks).
fn reconcile_each_step_afresh(read: &mut TableRead, table: &Table, d: &Dictionaries) -> Balance {
    let lex = &d.lexicon;
    let mut placed = Vec::new();
    read.corrections
        .extend(repair_misreads(&mut read.result, table, lex));
    drop_misread_row(read, table, &System::new(table, &read.result), lex);
    for _ in 0..MAX_ROUNDS {
        let (log, by_table) = place_by_table(&mut read.result, table, &read.short);
        placed.extend(by_table);
        read.corrections.extend(log);
        let (log, jointly) = place_jointly(&mut read.result, table, &read.short);
        placed.extend(jointly);
        read.corrections.extend(log);
        let inferred = infer_from_identities(&mut read.result, table);
        let more = !inferred.is_empty();
        read.corrections.extend(inferred);
        if !more {
            break;
        }
    }
    drop_moot_review(read, table, &placed);
    let (balance, review) = check_identities(&mut read.result, table, lex);
    read.review.extend(review);
    let sys = System::new(table, &read.result);
    let given: Vec<(usize, String, usize)> = give_unconfirmed(&mut read.result, &sys, &read.short)
        .into_iter()
        .map(|run| (run.row, run.raw.clone(), run.line))
        .collect();
    note_unconfirmed_runs(read, table, &given);
    let log = infer_unconfirmed(&mut read.result, &sys);
    read.corrections.extend(log);
    balance
}

/// `reconcile_table` on `shared` gives what every step run afresh gives on `afresh` (the
/// same table as read): the balance, cells, corrections and review.
fn reconciles_as_every_step_afresh(
    d: &Dictionaries,
    table: &Table,
    shared: &mut TableRead,
    afresh: &mut TableRead,
) -> Result<(), TestCaseError> {
    let (balance, review) = reconcile_table(shared, table, &d.lexicon, "text");
    shared.review.extend(review);
    let expected = reconcile_each_step_afresh(afresh, table, d);
    prop_assert_eq!(balance, expected);
    prop_assert_eq!(
        format!("{:?}", shared.result),
        format!("{:?}", afresh.result)
    );
    prop_assert_eq!(&shared.corrections, &afresh.corrections);
    prop_assert_eq!(&shared.review, &afresh.review);
    Ok(())
}

proptest! {
    // A fixed seed keeps CI deterministic; set another to explore.
    #![proptest_config(ProptestConfig { cases: 300, rng_seed: RngSeed::Fixed(20261127), ..ProptestConfig::default() })]

    #[test]
    fn rows_that_lost_cells_are_recovered_or_flagged_never_trusted_wrong(seed in 1u64.., k in 1usize..=5) {
        let d = dict();
        let o = run(&d, seed, k, false);
        prop_assert_eq!(o.wrong_trusted, 0, "{:?}", o);
        prop_assert_eq!(o.wrong_ok, 0, "{:?}", o);
        prop_assert_eq!(o.recovered + o.flagged, o.corrupted, "{:?}", o);
    }

    /// The steps share one system of identity instances (formed once per table, as no
    /// step changes which rows are present); the result is the same as forming it at
    /// every step, misreads included.
    #[test]
    fn one_system_for_all_steps_reconciles_as_a_system_per_step(seed in 1u64.., k in 1usize..=5, misreads: bool) {
        let d = dict();
        let (mut shared, table, _, _) = corrupted(&d, seed, k, misreads);
        let (mut afresh, _, _, _) = corrupted(&d, seed, k, misreads);
        reconciles_as_every_step_afresh(&d, table, &mut shared, &mut afresh)?;
    }

    /// A table whose identities all hold as read skips inference and the identity
    /// checks in `reconcile_table` (placement only fills unknown cells, so they still
    /// hold); the result is that of every step run in full. Half the cases keep every
    /// row, some with a run for a row that kept all its cells (nothing to place).
    #[test]
    fn a_table_that_holds_as_read_reconciles_as_with_every_step(seed in 1u64.., k in 0usize..=2, misreads: bool, spare_run: bool) {
        let d = dict();
        let k = if seed % 2 == 0 { 0 } else { k };
        let (mut shared, table, _, _) = corrupted(&d, seed, k, misreads);
        let (mut afresh, _, _, _) = corrupted(&d, seed, k, misreads);
        if spare_run {
            let r = (seed as usize / 2) % table.rows.len();
            for read in [&mut shared, &mut afresh] {
                let values: Vec<Num> = read.result.cells[r].iter().filter_map(|c| c.value).collect();
                read.short.push(ShortRun {
                    row: r,
                    raw: values.iter().map(Num::to_string).collect::<Vec<_>>().join(" "),
                    values,
                    readings: Vec::new(),
                    columns: None,
                    ruled: Vec::new(),
                    line: 1,
                });
            }
        }
        reconciles_as_every_step_afresh(&d, table, &mut shared, &mut afresh)?;
    }
}

#[test]
#[ignore]
fn short_run_rates() {
    let d = dict();
    println!("| rows that lost cells | one kept value misread | tables | cells in those rows | recovered | of which unconfirmed | flagged | of which unconfirmed | wrong inferred/repaired |");
    println!("|---|---|---|---|---|---|---|---|---|");
    for misreads in [false, true] {
        for k in [1, 2, 3, 5] {
            let mut t = CellScore::default();
            let n = 2000;
            for seed in 1..=n {
                t.add(&run(&d, seed * 7919 + k as u64, k, misreads));
            }
            let pct = |x: usize| format!("{:.1}%", 100.0 * x as f64 / t.corrupted.max(1) as f64);
            println!(
                "| {k} | {} | {n} | {} | {} | {} | {} | {} | {} |",
                if misreads { "yes" } else { "no" },
                t.corrupted,
                pct(t.recovered),
                pct(t.recovered_unconfirmed),
                pct(t.flagged),
                pct(t.wrong_unconfirmed),
                t.wrong_trusted
            );
        }
    }
}
