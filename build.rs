//! Embeds every template dictionary in `dictionaries/templates/` (and the glyph
//! confusion table) into the binary, so that adding a template version is adding a
//! file, not editing code.
use std::{env, fs, path::Path};

fn main() {
    let dir = Path::new("dictionaries/templates");
    println!("cargo:rerun-if-changed=dictionaries");
    let mut files: Vec<_> = fs::read_dir(dir)
        .expect("dictionaries/templates must exist")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut code = String::from("/// (file name, contents) of every embedded template dictionary.\npub static EMBEDDED_TEMPLATES: &[(&str, &str)] = &[\n");
    for f in &files {
        let abs = fs::canonicalize(f).expect("dictionary path");
        let name = f.file_name().unwrap().to_string_lossy();
        code.push_str(&format!(
            "    ({:?}, include_str!({:?})),\n",
            name,
            abs.display().to_string()
        ));
    }
    code.push_str("];\n");
    // The glyph cost table is optional: without it labels are compared by plain edit distance.
    let glyphs = Path::new("dictionaries/glyph_confusions.tsv");
    if glyphs.exists() {
        let abs = fs::canonicalize(glyphs).expect("glyph table path");
        code.push_str(&format!(
            "/// The glyph confusion table (dictionaries/glyph_confusions.tsv).\npub static EMBEDDED_GLYPHS: &str = include_str!({:?});\n",
            abs.display().to_string()
        ));
    } else {
        code.push_str("/// No glyph confusion table was present at build time.\npub static EMBEDDED_GLYPHS: &str = \"\";\n");
    }
    // Which characters below U+A000 are letters or digits: the lexicon's match-key
    // table starts from it. Asking Unicode about these 40,960 characters at every
    // start cost more than the rest of loading the dictionaries; the standard library
    // that builds this script is the one the binary is built with.
    let mut words = vec![0u64; 0xa000 / 64];
    for c in (0..0xa000u32).filter_map(char::from_u32) {
        if c.is_alphanumeric() {
            words[c as usize / 64] |= 1 << (c as usize % 64);
        }
    }
    code.push_str("/// `char::is_alphanumeric` of every character below U+A000, one bit each (bit\n/// `c % 64` of word `c / 64`), computed by build.rs.\npub static ALPHANUMERIC_BELOW_A000: [u64; 640] = [\n");
    for w in &words {
        code.push_str(&format!("    {w:#x},\n"));
    }
    code.push_str("];\n");
    let out = Path::new(&env::var("OUT_DIR").unwrap()).join("embedded_templates.rs");
    fs::write(out, code).expect("write embedded_templates.rs");
}
