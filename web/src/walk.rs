//! The walk rules of the CLI (core's `select`), for callers that have paths instead of a file
//! system (`selectPaths`) or that list folders themselves (`walkFolder`): the same folders
//! entered and skipped, the same files read, decided by core and restated nowhere.

use crate::{js_error, to_js};
use pkglens_core::{select, select_companions, walk_order, Choice, Place};
use serde::Serialize;
use std::collections::HashSet;
use wasm_bindgen::prelude::*;

/// Which of `paths` (all under `root`) `pkglens scan root` would read, as indices into
/// `paths` in the CLI's walk order: the same folders skipped, the same files chosen.
#[wasm_bindgen(js_name = selectPaths)]
pub fn select_paths(root: &str, paths: Vec<String>) -> Vec<u32> {
    let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
    select(root, &paths)
        .into_iter()
        .map(|(i, _)| i as u32)
        .collect()
}

/// The files of `paths` that `pkglens scan root` passes over, and why (what its JSON summary
/// counts as `passed_over` and lists under `-v`), as `[index, reason]` pairs in walk order.
#[wasm_bindgen(js_name = passedOverPaths)]
pub fn passed_over_paths(root: &str, paths: Vec<String>) -> Result<JsValue, JsValue> {
    let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
    to_js(&pkglens_core::passed_over(root, &paths))
}

/// Which of `paths` (all under `root`) `pkglens scan root` reads together with another file of
/// their folder (an egg-info's `requires.txt`, merged into its `PKG-INFO`), as indices into
/// `paths`: handed to a parse as `includes`, they are found there as the CLI finds them on disk.
#[wasm_bindgen(js_name = companionPaths)]
pub fn companion_paths(root: &str, paths: Vec<String>) -> Vec<u32> {
    let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
    select_companions(root, &paths)
        .into_iter()
        .map(|i| i as u32)
        .collect()
}

/// A place's name in JS: `normal`, `requirements` (a folder named like `requirements`, or
/// below one), `venv` (a virtual environment's way to its site-packages) or `site` (a
/// site-packages).
fn place_name(place: Place) -> &'static str {
    match place {
        Place::Normal => "normal",
        Place::Requirements => "requirements",
        Place::Venv => "venv",
        Place::SitePackages => "site",
    }
}

fn place_of(name: &str) -> Result<Place, JsValue> {
    match name {
        "normal" => Ok(Place::Normal),
        "requirements" => Ok(Place::Requirements),
        "venv" => Ok(Place::Venv),
        "site" => Ok(Place::SitePackages),
        _ => Err(js_error(format!(
            "expected a place `normal`, `requirements`, `venv` or `site`, found `{name}`"
        ))),
    }
}

/// What [`walk_folder`] answers.
#[derive(Serialize)]
struct Step {
    /// Indices into the files of those read, in walk order.
    files: Vec<u32>,
    /// The place each folder is entered as, or null for a folder not entered.
    folders: Vec<Option<&'static str>>,
    /// Indices into the files of those read together with another file of the folder (an
    /// egg-info's `requires.txt`): known only when the folder's own name is given.
    companions: Vec<u32>,
}

/// One folder of the walk `pkglens scan` makes: given the folder's place (`normal`, `venv` or
/// `site`, or `requirements`, as an earlier answer named it) and the names of its files and of its folders,
/// answers `{ files, folders }`: the indices of the files read, in walk order, and the place
/// each folder is entered as (null: not entered). A folder holding `pyvenv.cfg` is a virtual
/// environment. With no place, the files and folders are the walk's roots: every root folder
/// is entered (a site-packages as one), every root file read whose name says a format.
/// With the folder's own `name`, the answer's `companions` are the files read with another
/// (an egg-info's `requires.txt`, to hand to the parse with its `PKG-INFO`).
#[wasm_bindgen(js_name = walkFolder)]
pub fn walk_folder(
    place: Option<String>,
    files: Vec<String>,
    folders: Vec<String>,
    name: Option<String>,
) -> Result<JsValue, JsValue> {
    let here = match place.as_deref() {
        None => None,
        Some(name) => {
            let place = place_of(name)?;
            Some(if files.iter().any(|f| f == "pyvenv.cfg") {
                place.with_venv_marker()
            } else {
                place
            })
        }
    };
    let names: HashSet<&str> = files.iter().map(String::as_str).collect();
    let folder = name.as_deref().unwrap_or("");
    let choices: Vec<Choice> = files
        .iter()
        .map(|file| {
            here.unwrap_or(Place::Normal)
                .file(folder, file, |n| names.contains(n))
        })
        .collect();
    let indices = |keep: fn(&Choice) -> bool| -> Vec<u32> {
        (0..files.len() as u32)
            .filter(|&i| keep(&choices[i as usize]))
            .collect()
    };
    let mut chosen = indices(|choice| choice.format().is_some());
    let companions = indices(|choice| *choice == Choice::Companion);
    chosen.sort_by(|&a, &b| walk_order(&files[a as usize], &files[b as usize]));
    let folders = folders
        .iter()
        .map(|name| {
            match here {
                None => Some(Place::root(name)),
                Some(place) => place.child(name),
            }
            .map(place_name)
        })
        .collect();
    to_js(&Step {
        files: chosen,
        folders,
        companions,
    })
}
