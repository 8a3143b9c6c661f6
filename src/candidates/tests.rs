//! The lexer's tests: what [`super::lex_lines`] and its parts make of lines, and
//! property tests of the fast paths against the plain constructions.

use super::*;
use crate::normalize::{as_strs, normalize_line};

proptest::proptest! {
    /// Noise is told by looking for a character past the first few, as counting
    /// every character of the key tells it.
    #[test]
    fn noise_is_told_as_the_count_tells_it(key in "[a1一。\u{10000}]{0,5}", ordinal: bool) {
        let seg = Segment {
            line: 0,
            text: key.as_str().into(),
            ordinal: ordinal.then_some(Ordinal { kind: crate::ordinal::OrdinalKind::Section, n: 1 }),
            body_key: key.as_str().into(),
            prose: false,
        };
        let plain = !ordinal && key.chars().count() <= NOISE_KEY_CHARS;
        proptest::prop_assert_eq!(seg.is_noise(), plain);
    }
}

proptest::proptest! {
    /// A region lexed with lines remembered from other regions (at other line
    /// numbers, beside other lines) is the region lexed from nothing.
    #[test]
    fn remembered_lines_lex_as_fresh_ones(
        picks in proptest::collection::vec(0usize..14, 1..12),
        warm in proptest::collection::vec(0usize..14, 0..12),
    ) {
        let vocabulary = [
            "（一）予以公开 1288 21 0 0 50 3 1362",
            "（二）部分公开（区分处理的，只计这一情",
            "447 7 0 0 0 0 454",
            "形，不计其他情形）",
            "1.属于国家秘密 2 0 0 0 0 0 2",
            "\t\t3.危及“三安全 稳定”\t0",
            "1",
            "O",
            "0",
            "自然人 总计",
            "| 1131 | 24 0 |1179",
            "不予公开1.属于 3 4",
            "4",
            "二、收到和处理政府信息公开申请情况",
        ];
        let lex = crate::dictionary::embedded_lexicon().unwrap();
        let lines = |picks: &[usize]| -> Vec<String> {
            picks.iter().map(|&p| normalize_line(vocabulary[p])).collect()
        };
        let shown = |c: &Candidates| format!("{:?} {:?}", c.segments, c.groups);
        let region = lines(&picks);
        LINES.with(|m| *m.borrow_mut() = LineMemo::default());
        let fresh = shown(&lex_lines(&as_strs(&region), 0..region.len(), &lex));
        LINES.with(|m| *m.borrow_mut() = LineMemo::default());
        let other = lines(&warm);
        // Twice: a line is remembered the second time it is lexed.
        lex_lines(&as_strs(&other), 0..other.len(), &lex);
        lex_lines(&as_strs(&other), 0..other.len(), &lex);
        proptest::prop_assert_eq!(&shown(&lex_lines(&as_strs(&region), 0..region.len(), &lex)), &fresh);
        proptest::prop_assert_eq!(&shown(&lex_lines(&as_strs(&region), 0..region.len(), &lex)), &fresh);
    }

    /// Runs joined line by line, plain numbers' cells added without a group of
    /// their own, are the runs the pass over all the groups joins: same groups,
    /// same cells, same lines, on regions of lone numbers, several numbers, labels
    /// after numbers, tab cells, blank lines and page footers.
    #[test]
    fn runs_joined_line_by_line_are_the_runs_joined_at_the_end(
        picks in proptest::collection::vec(0usize..16, 0..24),
        from in 0usize..4,
    ) {
        let vocabulary = [
            "0",
            " 12 ",
            "7",
            "0  1",
            "2  5.属于三类内部事务信息",
            "",
            "- 4 -",
            "规章",
            "\t0\t",
            "0\t3",
            "O",
            "1 2 3",
            "007",
            "3.危及“三安全一稳定”",
            "99999999999999999999",
            "l",
        ];
        let lex = crate::dictionary::embedded_lexicon().unwrap();
        let region: Vec<String> = picks.iter().map(|&p| normalize_line(vocabulary[p])).collect();
        let lines = as_strs(&region);
        let shown = |c: &Candidates| format!("{:?} {:?}", c.segments, c.groups);
        let to = lines.len();
        let joined = shown(&lex_lines_in::<true>(&lines, from..to, &lex));
        let plain = shown(&lex_lines_in::<false>(&lines, from..to, &lex));
        proptest::prop_assert_eq!(joined, plain);
    }

    /// A line that `plain_number_line` lets go without the hint lexes alike with
    /// and without it.
    #[test]
    fn plain_number_lines_lex_alike_with_and_without_the_hint(
        line in "[ \t]{0,3}(0|[1-9][0-9]{0,16}|0[0-9]{1,3})[ \t]{0,3}",
    ) {
        let lex = crate::dictionary::embedded_lexicon().unwrap();
        let shown = |hint| {
            let mut c = Candidates::default();
            lex_line(&line, 3, &lex, hint, &mut c);
            format!("{:?} {:?}", c.segments, c.groups)
        };
        if plain_number_line(&line, &lex) {
            proptest::prop_assert_eq!(shown(true), shown(false));
        }
    }

    /// The kept-line filter keeps the lines that are neither blank nor page
    /// furniture, as the two plain tests tell them, and a line's shape is what
    /// `plain_number_group` reads from it, on hostile lines: rows of digits,
    /// page numbers (`- 3 -`, `第 2 页`, `3/4`), other whitespace.
    #[test]
    fn kept_lines_are_the_plain_filter(
        lines in proptest::collection::vec(
            "[ 0-9]{0,8}|[ \t\u{3000}\u{a0}0-9—/第页共a.-]{0,8}|[ ]{0,2}[-—][ ]?[0-9]{1,2}[ ]?[-—][ ]{0,2}",
            0..12,
        ),
        from in 0usize..14,
        to in 0usize..14,
    ) {
        let lex = crate::dictionary::embedded_lexicon().unwrap();
        let lines = as_strs(&lines);
        let kept = kept_lines(&lines, from..to, &lex);
        let plain: Vec<usize> = (from..to)
            .filter(|&i| lines.get(i).is_some_and(|l| !blank(l) && !lex.is_ignored(l)))
            .collect();
        let kept_at: Vec<usize> = kept.iter().map(|&(i, _)| i).collect();
        proptest::prop_assert_eq!(&kept_at, &plain);
        let zero = plain_digits_number("0", &lex).map(|p| (CellText::from("0"), p));
        let shown = |g: Option<ValueGroup>| format!("{g:?}");
        for &(i, shape) in &kept {
            let read = match shape {
                Shape::Plain(start, end) => plain_slot_at(lines[i], &lex, zero.as_ref(), start, end)
                    .map(|slot| ValueGroup::standalone(i, i, vec![slot])),
                Shape::Other => None,
                Shape::Unknown => plain_number_group(lines[i], i, &lex, zero.as_ref()),
            };
            proptest::prop_assert_eq!(shown(read), shown(plain_number_group(lines[i], i, &lex, zero.as_ref())));
        }
    }

    /// A line that `plain_number_group` takes gives what `lex_line` gives for it,
    /// with the hint and without.
    #[test]
    fn plain_number_groups_are_what_the_lexer_gives(
        line in "[ \t]{0,3}(0|[1-9][0-9]{0,16}|0[0-9]{1,3}|[0-9]{0,2}[a-z一.|]?[0-9]{0,2})[ \t]{0,3}",
        idx in 0usize..500,
    ) {
        let lex = crate::dictionary::embedded_lexicon().unwrap();
        let shown = |c: &Candidates| format!("{:?} {:?}", c.segments, c.groups);
        let zero = plain_digits_number("0", &lex).map(|p| (CellText::from("0"), p));
        if let Some(group) = plain_number_group(&line, idx, &lex, zero.as_ref()) {
            let direct = Candidates { segments: Vec::new(), groups: vec![group] };
            for hint in [false, true] {
                let mut c = Candidates::default();
                lex_line(&line, idx, &lex, hint, &mut c);
                proptest::prop_assert_eq!(shown(&c), shown(&direct));
            }
        } else {
            let t = line.trim_matches(' ');
            proptest::prop_assert!(
                t.is_empty()
                    || !t.bytes().all(|b| b.is_ascii_digit())
                    || !matches!(parse_token(t, &lex, false), Token::Number(p) if p.repaired.is_none())
            );
        }
    }

    /// The neighbour test's early answer at a word's first character is the
    /// plain one's.
    #[test]
    fn numbers_only_is_every_word_a_clean_number(
        line in "([ \t\u{3000}\u{a0}]{0,2}(0|[1-9][0-9]{0,3}|0[0-9]|[-+.,]?[0-9]{1,3}[.,%]?|[Oo l|]|一|属于|△1|元|1元))*[ \t]{0,2}",
    ) {
        let lex = crate::dictionary::embedded_lexicon().unwrap();
        let plain = line
            .split_whitespace()
            .all(|t| matches!(parse_token(t, &lex, false), Token::Number(p) if p.repaired.is_none()));
        proptest::prop_assert_eq!(numbers_only(&line, &lex), plain);
    }

    /// The one walk answers as the plain tests it replaced.
    #[test]
    fn numeric_tokens_are_the_plain_tests(
        line in "([ \t\u{3000}\u{a0}]{0,2}(0|[1-9][0-9]{0,3}|0[0-9]|[-+.,]?[0-9]{1,3}[.,%]?|[Oo l|\\]]|[Oo][lj]|一|属于|△1|元|1元|1.属于|%|。))*[ \t]{0,2}",
    ) {
        let lex = crate::dictionary::embedded_lexicon().unwrap();
        let tokens = || line.split_whitespace();
        let plain = tokens().any(
            |t| matches!(parse_token(t, &lex, false), Token::Number(p) if p.repaired.is_none()),
        ) || (tokens().nth(MIN_LETTER_CELLS - 1).is_some()
            && tokens().all(|t| matches!(parse_token(t, &lex, true), Token::Number(_))));
        proptest::prop_assert_eq!(numeric_tokens(&line, &lex), plain);
    }

    #[test]
    fn prose_is_a_key_of_more_characters_than_the_bound(s in "[a1一\u{3000}\u{20000}]{0,70}") {
        proptest::prop_assert_eq!(is_prose(&s), s.chars().count() > PROSE_KEY_CHARS);
    }
}

#[test]
fn a_memo_filled_past_its_bound_keeps_its_replayed_lines_and_lexes_as_fresh() {
    let lex = crate::dictionary::embedded_lexicon().unwrap();
    let region: Vec<String> = ["（一）予以公开 1288 21 0 0 50 3 1362", "1.属于国家秘密 2 0"]
        .iter()
        .map(|l| normalize_line(l))
        .collect();
    let shown = |c: &Candidates| format!("{:?} {:?}", c.segments, c.groups);
    LINES.with(|m| *m.borrow_mut() = LineMemo::default());
    let remembered = || LINES.with(|m| m.borrow().lines[0].contains_key(&line_hash(&region[0])));
    // Remembered the second time it is lexed, replayed the third.
    let fresh = shown(&lex_lines(&as_strs(&region), 0..region.len(), &lex));
    assert!(!remembered());
    lex_lines(&as_strs(&region), 0..region.len(), &lex);
    assert!(remembered());
    assert_eq!(
        shown(&lex_lines(&as_strs(&region), 0..region.len(), &lex)),
        fresh
    );
    let filler: Vec<String> = (0..MAX_REMEMBERED_LINES + 10)
        .map(|i| format!("填报 {i} 0 {}", i % 7))
        .collect();
    lex_lines(&as_strs(&filler), 0..filler.len(), &lex);
    lex_lines(&as_strs(&filler), 0..filler.len(), &lex);
    let (size, kept) = LINES.with(|m| {
        let m = m.borrow();
        let size = m.lines[0].len() + m.lines[1].len();
        (size, m.lines[0].contains_key(&line_hash(&region[0])))
    });
    assert!(size <= MAX_REMEMBERED_LINES, "{size}");
    assert!(kept);
    assert_eq!(
        shown(&lex_lines(&as_strs(&region), 0..region.len(), &lex)),
        fresh
    );
}

#[test]
fn a_seen_mark_is_found_until_a_hash_of_the_same_slot_takes_it_over() {
    let mut memo = LineMemo::default();
    let key = line_hash("1.属于国家秘密 2 0");
    let (plain, hinted) = (seen_key(key, false), seen_key(key, true));
    assert!(!memo.mark_seen(plain));
    assert!(!memo.mark_seen(hinted), "the two readings take two slots");
    assert!(memo.mark_seen(plain));
    assert!(memo.mark_seen(hinted));
    // Same top bits, another hash: the slot is taken over.
    let other = plain ^ 1;
    assert!(!memo.mark_seen(other));
    assert!(!memo.mark_seen(plain));
    assert!(memo.mark_seen(plain));
}

fn run(text: &str) -> Candidates {
    let lex = crate::dictionary::embedded_lexicon().unwrap();
    let lines: Vec<String> = text.lines().map(normalize_line).collect();
    lex_lines(&as_strs(&lines), 0..lines.len(), &lex)
}

/// Whether no cell of any of `c`'s groups is one that cannot be read.
fn none_unreadable(c: &Candidates) -> bool {
    c.groups
        .iter()
        .all(|g| g.slots.iter().all(|s| !s.unreadable))
}

fn values(g: &ValueGroup) -> Vec<String> {
    g.slots
        .iter()
        .map(|s| {
            s.number
                .as_ref()
                .map_or("_".to_string(), |p| p.value.to_string())
        })
        .collect()
}

#[test]
fn tabbed_row_keeps_blank_cells_in_place() {
    let c = run("三、本年度办理结果\t(一) 予以公开\t2\t\t0\t\t\t\t2");
    let texts: Vec<&str> = c.segments.iter().map(|s| &*s.text).collect();
    assert_eq!(texts, ["三、本年度办理结果", "(一) 予以公开"]);
    assert_eq!(c.groups.len(), 1);
    assert_eq!(values(&c.groups[0]), ["2", "_", "0", "_", "_", "_", "2"]);
    assert_eq!(c.groups[0].after_segment, Some(1));
}

#[test]
fn a_line_of_zeros_scanned_as_letters_is_a_row_of_cells() {
    let c = run("O  O  O  O  O");
    assert_eq!(values(&c.groups[0]), ["0", "0", "0", "0", "0"]);
    // Too few to tell from a word.
    assert!(run("O O").groups.is_empty());
}

#[test]
fn a_glyph_among_a_rows_numbers_is_an_unreadable_cell_but_not_before_them() {
    let c = run("(七) 总计 4 0 忆 0 0 0 生");
    let g = &c.groups[0];
    assert_eq!(values(g), ["4", "0", "_", "0", "0", "0", "_"]);
    assert!(g.slots[2].unreadable && g.slots[6].unreadable);
    // Before the first number a glyph is the label's; before a word, text.
    let c = run("本 (一) 予以公开 2 0 0 年度 0");
    assert_eq!(values(&c.groups[0]), ["2", "0", "0"]);
}

#[test]
fn a_mark_between_a_rows_numbers_is_an_unreadable_cell() {
    let c = run("5.属于三类内部事务信息     0  0  ， 0  0  0  0");
    assert_eq!(c.groups.len(), 1);
    let g = &c.groups[0];
    assert_eq!(values(g), ["0", "0", "_", "0", "0", "0", "0"]);
    assert!(g.slots[2].is_mark_cell());
    // Several, each a cell.
    let c = run("2.其他法律行政法规禁止公开   0   ，   0   ，   ，   ，   0");
    assert_eq!(values(&c.groups[0]), ["0", "_", "0", "_", "_", "_", "0"]);
    // Before the numbers, or before a word, it is text.
    let c = run("5.属于三类内部事务信息 ， 0  0  0");
    assert!(c.groups[0].slots.iter().all(|s| !s.unreadable));
    let c = run("0 0 ， 属于 0");
    assert!(none_unreadable(&c));
}

#[test]
fn a_mark_glued_after_a_number_among_a_rows_numbers_is_the_next_cell() {
    let c = run("6 .属于四类过程性信息     1   0 0 0 0，   1");
    assert_eq!(c.groups.len(), 1);
    let g = &c.groups[0];
    assert_eq!(values(g), ["1", "0", "0", "0", "0", "_", "1"]);
    assert!(g.slots[5].is_mark_cell() && g.slots[5].raw == ",");
    assert!(g.slots[5].at > g.slots[4].at);
    // Not before the numbers or at their end, and not two marks.
    let c = run("6 .属于四类过程性信息 1 0 0 0 0,");
    assert!(c.groups[0].slots.iter().all(|s| s.raw != ","));
    let c = run("6 .属于四类过程性信息 1 0 0 0 0,, 1");
    assert!(c.groups[0].slots.iter().all(|s| s.raw != ",,"));
}

#[test]
fn two_glyphs_as_one_token_are_a_cell_only_well_inside_a_rows_numbers() {
    let c = run("1.属于国家秘密\t0\t0\t0 下曲\t0\t0");
    let g = &c.groups[0];
    assert_eq!(values(g), ["0", "0", "0", "_", "0", "0"]);
    assert!(g.slots[3].is_glyph_cell() && g.slots[3].is_damaged());
    // After a bare ordinal and one number, or before a word, they are text; and
    // so in their own tab cell, or in a line without tabs.
    let c = run("7 和人 | 4 天 sm 由大 和 RS 中请\t0\t0");
    assert!(none_unreadable(&c));
    let c = run("1.属于国家秘密\t0\t0\t0\t下曲\t0\t0");
    assert!(none_unreadable(&c));
    let c = run("1.属于国家秘密 0 0 0 下曲 0 0");
    assert!(none_unreadable(&c));
}

#[test]
fn a_glyph_in_a_tab_cell_of_its_own_after_a_label_is_an_unreadable_cell() {
    let c = run("2 .重复申请\ti\t0\t0\t0\t0\t0\t1");
    assert_eq!(values(&c.groups[0]), ["_", "0", "0", "0", "0", "0", "1"]);
    assert!(c.groups[0].slots[0].unreadable);
    let c = run("(一) 予以公开\t相\t0\t0\t0\t0\t0\t3");
    assert_eq!(c.groups[0].slots.len(), 7);
    // After a group cell's glyph alone it is what is left of the row's label.
    let c = run("三\t人\t36\t3\t0\t0\t0\t0\t39");
    assert_eq!(c.groups[0].slots.len(), 7);
    assert_eq!(c.segments.len(), 2);
    // Glued to its label, or in the label's own cell, it is the label's.
    let c = run("2 .重复申请 i\t0\t0\t0\t0\t0\t1");
    assert_eq!(c.groups[0].slots.len(), 6);
    // Without tabs, a wide gap sets the cell off; one space leaves it the label's.
    let c = run("(七) 总计      二    0    0    0    0    0    1");
    assert_eq!(values(&c.groups[0]), ["_", "0", "0", "0", "0", "0", "1"]);
    assert!(c.groups[0].slots[0].is_damaged());
    let c = run("(七) 总计 二 0 0 0 0 0 1");
    assert_eq!(c.groups[0].slots.len(), 6);
}

#[test]
fn letters_read_for_digits_no_count_is_printed_as_are_an_unreadable_cell() {
    let c = run("8.属于行政查询事项  0 oo ol ol ol 0");
    assert_eq!(values(&c.groups[0]), ["0", "_", "0", "0", "0", "0"]);
    assert!(c.groups[0].slots[1].is_letters_cell() && c.groups[0].slots[1].is_damaged());
    // With a rule's look-alike inside, it may be two cells: not read as one.
    let c = run("2重复申请  0 0 olo");
    assert_eq!(values(&c.groups[0]), ["0", "0"]);
    // After such a cell the run goes on as after a number.
    let c = run("2 .没有现成信息需要另行制作    0|0|1o|lo|lo|o0o|0");
    assert_eq!(c.groups.len(), 1);
    assert_eq!(c.groups[0].slots.len(), 7);
    assert!(c.groups[0].slots[4].is_letters_cell());
}

#[test]
fn a_row_whose_cells_are_all_letters_and_rules_after_its_label_is_read_as_cells() {
    let c = run("4保护第三方合法权益 | ol oj oj ol");
    assert_eq!(values(&c.groups[0]), ["0", "0", "0", "0"]);
    // Two such tokens are not enough: a label may end in letters.
    let c = run("保护第三方合法权益 ol oj");
    assert!(c.groups.is_empty());
}

#[test]
fn a_digit_before_a_paren_ordinal_short_of_its_bracket_is_the_bracket() {
    let c = run("6 一) 予以公开\t13\t0\t0\t0\t0\t0\t13");
    let o = c.segments[0].ordinal.unwrap();
    assert_eq!((o.kind, o.n), (OrdinalKind::Paren, 1));
    assert_eq!(values(&c.groups[0]), ["13", "0", "0", "0", "0", "0", "13"]);
    // A bare number before a label without an ordinal is still its ordinal.
    let c = run("1 属于国家秘密 0 0 0");
    assert_eq!(
        c.segments[0].ordinal.map(|o| (o.kind, o.n)),
        Some((OrdinalKind::Arabic, 1))
    );
}

#[test]
fn an_ordinal_set_off_from_its_separator_after_a_group_cells_remnant_is_the_ordinal() {
    let c = run("度              6 .属于四类过程性信息              1         0 0");
    let last = c.segments.last().unwrap();
    assert_eq!(last.ordinal.map(|o| o.n), Some(6));
    assert_eq!(c.groups.len(), 1);
    assert_eq!(values(&c.groups[0]), ["1", "0", "0"]);
}

#[test]
fn a_digit_before_a_label_with_a_garbled_ordinal_is_not_its_ordinal() {
    let c = run("2       工.属于国家秘密    0    0    0");
    assert_eq!(c.segments.len(), 1);
    assert_eq!(c.segments[0].ordinal, None);
    assert_eq!(values(&c.groups[0]), ["0", "0", "0"]);
    // Its separator may stand apart, as in word boxes' tab cells.
    let c = run("2\t工 .属于国家秘密\t0\t0\t0");
    assert_eq!(c.segments[0].ordinal, None);
    // A separator after a digit is a real ordinal, not a garbled one.
    let c = run("2 1.属于国家秘密 0 0 0");
    assert_eq!(
        c.segments.last().and_then(|s| s.ordinal).map(|o| o.n),
        Some(1)
    );
}

#[test]
fn a_dash_glued_to_a_rule_is_the_rule_not_a_cell() {
    let c = run("3.危及三安全一稳定 后|    0|- 0    0    0    0    0    0");
    assert_eq!(c.groups.len(), 1);
    assert_eq!(values(&c.groups[0]), ["0"; 7]);
    let c = run("4.保护第三方合法权益 | 0 -| 0 | 0");
    assert_eq!(values(&c.groups[0]), ["0"; 3]);
    // A dash before a digit is a sign.
    let c = run("其他对外管理服务事项 | 3 |-2 | 1");
    assert_eq!(values(&c.groups[0]), ["3", "-2", "1"]);
}

#[test]
fn two_rules_with_nothing_between_hold_an_empty_cell_among_a_rows_numbers() {
    let c = run("1.本机关不掌握相关政府信息 | 0 | 0 | 0 | 。 | 1 | | 1");
    assert_eq!(values(&c.groups[0]), ["0", "0", "0", "0", "1", "_", "1"]);
    assert!(c.groups[0].slots[5].is_rule());
    // Before the numbers the rules frame the label; after them, the row's border.
    let c = run("| | 1.属于国家秘密 | 0 | 0 | |");
    assert_eq!(values(&c.groups[0]), ["0", "0"]);
    // Tab layouts keep their own empty cells.
    let c = run("1.属于国家秘密\t0 | | 0\t0");
    assert_eq!(values(&c.groups[0]), ["0", "0", "0"]);
}

#[test]
fn a_lone_bracket_is_a_one_after_a_number_or_among_cells_only() {
    // A serifed 1 read as `]`, in a row of nothing but cells and after a number.
    let c = run("] 0 0 0 ] ] 0 0 0 ] 0 0 0 0 0");
    let ones: Vec<String> = values(&c.groups[0]);
    assert_eq!(
        ones,
        ["1", "0", "0", "0", "1", "1", "0", "0", "0", "1", "0", "0", "0", "0", "0"]
    );
    let c = run("(七) 总计 5 0 2 1 8 ]");
    assert_eq!(values(&c.groups[0]), ["5", "0", "2", "1", "8", "1"]);
    // Before a label, after one, or in a header it is the table's border.
    let c = run("] (一) 予以公开 14 0 0");
    assert_eq!(values(&c.groups[0]), ["14", "0", "0"]);
    let c = run("申请人无正当理由逾期不补正\t]");
    assert!(c
        .groups
        .iter()
        .all(|g| g.slots.iter().all(|s| s.number.is_none())));
}

#[test]
fn spaced_row_splits_group_cell_from_row_label_at_the_ordinal() {
    let c = run("办 （三）不 4.保护第三方合法权益 6 0 0 0 0 0 6");
    let texts: Vec<&str> = c.segments.iter().map(|s| &*s.text).collect();
    assert_eq!(texts, ["办", "(三)不", "4.保护第三方合法权益"]);
    assert_eq!(c.groups[0].after_segment, Some(2));
    assert!(!c.groups[0].standalone);
}

#[test]
fn bare_ordinals_join_their_label() {
    let c = run("\t(三) 不予公开\t1. 属于国家秘密\t0\t0");
    assert_eq!(&*c.segments[1].text, "1. 属于国家秘密");
    assert_eq!(c.segments[1].ordinal.map(|o| o.n), Some(1));
    let c = run("1 属于国家秘密 0 0 0");
    assert_eq!(c.segments[0].ordinal.map(|o| o.n), Some(1));
    assert_eq!(values(&c.groups[0]), ["0", "0", "0"]);
    // A group cell's bare ordinal before a label with an ordinal of its own.
    let c = run("(三) | 4.保护第三方合法权益 3 0 0 0 0 0 3");
    assert_eq!(
        c.segments.last().map(|s| &*s.text),
        Some("4.保护第三方合法权益")
    );
    assert_eq!(
        c.segments.last().and_then(|s| s.ordinal).map(|o| o.n),
        Some(4)
    );
    let c = run("(三) 不予公开 0 0");
    assert_eq!(&*c.segments[0].text, "(三) 不予公开");
    // Without tabs: text before a bare ordinal is a segment of its own, and so is
    // a bare ordinal before another ordinal.
    let c = run("不予公开 1. 属于国家秘密 0 0");
    let texts: Vec<&str> = c.segments.iter().map(|s| &*s.text).collect();
    assert_eq!(texts, ["不予公开", "1. 属于国家秘密"]);
    let c = run("2. 1. 属于国家秘密 0");
    let texts: Vec<&str> = c.segments.iter().map(|s| &*s.text).collect();
    assert_eq!(texts, ["2.", "1. 属于国家秘密"]);
}

#[test]
fn one_cell_per_line_values_merge_and_footers_are_ignored() {
    let c = run("规章\n1\n0\n- 4 -\n11\n行政规范性文件\n8\n26\n66");
    assert_eq!(c.groups.len(), 2, "{:?}", c.groups);
    assert_eq!(values(&c.groups[0]), ["1", "0", "11"]);
    assert_eq!(values(&c.groups[1]), ["8", "26", "66"]);
    assert!(c.groups[0].standalone);
}

#[test]
fn one_cell_per_line_runs_survive_merged_lines() {
    let c = run("4.保护第三方合法权益\n0\n1\n0 0\n2  5.属于三类内部事务信息\n7");
    assert_eq!(c.groups.len(), 2, "{:?}", c.groups);
    assert_eq!(values(&c.groups[0]), ["0", "1", "0", "0", "2"]);
    assert_eq!(values(&c.groups[1]), ["7"]);
}

#[test]
fn a_run_whose_first_two_lines_were_merged_is_one_run() {
    let c = run("3.危及“三安全一稳定”\n0  1\n0\n0\n0\n0\n1\n4.保护第三方合法权益\n0 0 0");
    assert_eq!(c.groups.len(), 2, "{:?}", c.groups);
    assert_eq!(values(&c.groups[0]), ["0", "1", "0", "0", "0", "0", "1"]);
    assert_eq!(values(&c.groups[1]), ["0", "0", "0"]);
}

#[test]
fn a_label_glued_to_its_group_cell_is_split_at_its_ordinal() {
    let c = run("(四)无法提供1.本机关不掌握相关政府信息 0 0");
    let texts: Vec<&str> = c.segments.iter().map(|s| &*s.text).collect();
    assert_eq!(texts, ["(四)无法提供", "1.本机关不掌握相关政府信息"]);
    let c = run("收到申请2件,答复1.5万元");
    assert_eq!(c.segments.len(), 1);
}

#[test]
fn table_rules_read_by_ocr_separate_cells() {
    let c = run("一、本年新收政府信息公开申请数量 | 1131 | 24 0 0 24 0 |1179");
    assert_eq!(
        values(&c.groups[0]),
        ["1131", "24", "0", "0", "24", "0", "1179"]
    );
}

#[test]
fn prose_and_years_are_not_rows() {
    let c = run("2019 年度政府信息公开工作年度报告");
    assert_eq!(c.groups.len(), 1);
    assert_eq!(c.segments.len(), 1);
    let long = "本年度，我办在自治区政务公开办和吴忠市政务公开办的指导下，坚持以习近平新时代中国特色社会主义思想为指导，深入贯彻党的十九大和十九届二中、三中、四中全会精神，紧紧围绕县委、政府中心工作";
    assert!(run(long).segments[0].prose);
}
