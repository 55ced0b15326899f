//! Pretty-printing a product module part by part, on a few threads.
//!
//! `syn::parse2` + `prettyplease` of a whole module costs about as much as building its tokens.
//! prettyplease prints top-level items one after another from column 0, so formatting each
//! part (one or two items) on its own and joining the texts in order gives the same bytes as
//! formatting the whole file; the parts can then be built, parsed and printed in parallel.
//! Small per-part token streams are also cheaper than one huge one (no giant reallocations).

use proc_macro2::TokenStream;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Build scripts share the machine with rustc jobs; a few threads already halve the time.
const MAX_THREADS: usize = 4;
/// Below this many parts a thread costs more than it saves.
const MIN_PARTS_FOR_THREADS: usize = 16;

/// The formatted module: `tokens(part)` parsed and printed for every part, in order.
pub(super) fn format_parts<T: Sync>(
    parts: &[T],
    tokens: impl Fn(&T) -> TokenStream + Sync,
) -> Result<String, syn::Error> {
    let texts = map_in_order(parts, |part| format_part(tokens(part)));
    let mut out = String::with_capacity(texts.iter().map(|t| t.as_ref().map_or(0, String::len)).sum());
    for text in texts {
        out.push_str(&text?);
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    Ok(out)
}

/// The token text of every part, in order, separated as one `TokenStream`'s `Display` would.
pub(super) fn plain_parts<T: Sync>(parts: &[T], tokens: impl Fn(&T) -> TokenStream + Sync) -> String {
    let texts = map_in_order(parts, |part| tokens(part).to_string());
    texts.iter().filter(|t| !t.is_empty()).map(String::as_str).collect::<Vec<_>>().join(" ")
}

fn format_part(tokens: TokenStream) -> Result<String, syn::Error> {
    if tokens.is_empty() {
        return Ok(String::new());
    }
    let file: syn::File = syn::parse2(tokens)?;
    Ok(separate_items(&prettyplease::unparse(&file)))
}

/// prettyplease packs items together; a blank line after each top-level item reads better.
/// Trailing blank lines are left for [`format_parts`] to trim once, at the end of the module.
fn separate_items(source: &str) -> String {
    let mut out = String::with_capacity(source.len() + source.len() / 16);
    for line in source.lines() {
        out.push_str(line);
        out.push('\n');
        if line == "}" || line == "};" {
            out.push('\n');
        }
    }
    out
}

/// `f` over `items` on up to [`MAX_THREADS`] threads, results in the order of `items`.
/// Threads take the next unclaimed item until none is left, so one large part (the client
/// with a method per endpoint) does not hold up a fixed share of the others.
fn map_in_order<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, NonZeroUsize::get).min(MAX_THREADS);
    if threads < 2 || items.len() < MIN_PARTS_FOR_THREADS {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { return done };
            done.push((i, f(item)));
        }
    };
    let mut done = std::thread::scope(|scope| {
        // A thread that cannot be started is no error: the calling thread does all the work left.
        let helpers: Vec<_> =
            (1..threads).filter_map(|_| std::thread::Builder::new().spawn_scoped(scope, work).ok()).collect();
        let mut done = work();
        for helper in helpers {
            match helper.join() {
                Ok(mut more) => done.append(&mut more),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        done
    });
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_order_of_the_items() {
        let items: Vec<u32> = (0..1_000).collect();
        let squares = map_in_order(&items, |n| n * n);
        assert_eq!(squares, items.iter().map(|n| n * n).collect::<Vec<_>>());
    }

    #[test]
    fn parts_print_like_the_whole_file() {
        let kinds = [
            "#[doc = \" A.\"] pub struct A { pub x: i32, } impl A { pub fn new(x: i32) -> Self { A { x } } }",
            "",
            "pub static B: &[u8] = &[1, 2];",
        ];
        let parts: Vec<&str> = kinds.into_iter().cycle().take(3 * MIN_PARTS_FOR_THREADS).collect();
        let tokens = |part: &&str| part.parse::<TokenStream>().unwrap();
        let whole: TokenStream = parts.iter().map(tokens).collect();
        let file: syn::File = syn::parse2(whole.clone()).unwrap();
        let mut expected = separate_items(&prettyplease::unparse(&file));
        while expected.ends_with("\n\n") {
            expected.pop();
        }
        assert!(expected.contains("/// A.\npub struct A {\n    pub x: i32,\n}\n\nimpl A {"), "{expected}");
        assert_eq!(format_parts(&parts, tokens).unwrap(), expected);
        assert_eq!(plain_parts(&parts, tokens), whole.to_string());
    }
}
