//! The `accord` binary as a user meets it: exit statuses, output formats,
//! colour, errors with positions, and `accord new` writing files safely.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn example(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/examples")
        .join(name)
}

/// Runs accord with a fixed date and without any colour settings inherited.
fn accord(args: &[&str]) -> Output {
    accord_with_stdin(args, None)
}

fn accord_with_stdin(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_accord"));
    cmd.args(args)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("accord runs");
    let mut pipe = child.stdin.take().expect("stdin piped");
    if let Some(bytes) = stdin {
        pipe.write_all(bytes).expect("stdin written");
    }
    drop(pipe);
    child.wait_with_output().expect("accord finishes")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("stderr is UTF-8")
}

fn path(p: &std::path::Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

#[test]
fn review_exit_statuses_follow_the_examples() {
    for (file, status) in [
        ("solid-parallel-transitions.toml", 0),
        ("draft-tried-before.toml", 1),
        ("solo-worker.toml", 0),
    ] {
        let o = accord(&["review", path(&example(file))]);
        assert_eq!(o.status.code(), Some(status), "{file}: {}", stderr(&o));
    }
}

#[test]
fn review_json_is_the_contract() {
    let o = accord(&[
        "review",
        "--format",
        "json",
        path(&example("draft-tried-before.toml")),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    let findings = v["findings"].as_array().expect("findings array");
    assert_eq!(findings.len(), 17);
    assert_eq!(v["summary"]["high"], 8);
    for f in findings {
        let keys: Vec<&str> = f
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        for key in [
            "rule",
            "severity",
            "kind",
            "section",
            "message",
            "suggestion",
        ] {
            assert!(keys.contains(&key), "{key} in {f}");
        }
        assert!(
            keys.len() == 6 || (keys.len() == 7 && keys.contains(&"party")),
            "{f}"
        );
    }
    let o = accord(&[
        "review",
        "--format",
        "json",
        path(&example("solid-parallel-transitions.toml")),
    ]);
    let v: Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    assert_eq!(
        v,
        serde_json::json!({"findings": [], "summary": {"high": 0, "medium": 0, "low": 0}})
    );
}

#[test]
fn human_output_is_grouped_and_summarised_without_colour_when_piped() {
    let o = accord(&["review", path(&example("draft-tried-before.toml"))]);
    let out = stdout(&o);
    assert!(!out.contains('\u{1b}'), "no escape codes when piped");
    assert!(out.contains("Support preferences"));
    assert!(out.contains("support-vague \u{b7} Ana Ruiz"));
    let last = out.lines().last().expect("a summary line");
    assert!(last.starts_with("8 high, 5 medium, 4 low"), "{last}");
    // High sections come before the others.
    let history = out.find("Earlier attempts").expect("history section");
    let wellbeing = out.find("Well-being").expect("well-being section");
    assert!(history < wellbeing);
}

#[test]
fn colour_can_be_forced_and_no_color_wins_in_auto() {
    let o = accord(&[
        "review",
        "--color",
        "always",
        path(&example("draft-tried-before.toml")),
    ]);
    assert!(stdout(&o).contains('\u{1b}'), "colour when forced");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_accord"));
    let o = cmd
        .args(["review", path(&example("draft-tried-before.toml"))])
        .env("NO_COLOR", "1")
        .env("CLICOLOR_FORCE", "1")
        .output()
        .expect("runs");
    assert!(!stdout(&o).contains('\u{1b}'), "NO_COLOR disables colour");
}

#[test]
fn invalid_files_name_file_line_and_column_and_exit_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("agreement.toml");
    std::fs::write(
        &file,
        "format = 1\n[[party]]\nid = \"ana\"\nname = \"Ana\"\ncommitment_level = 12\n",
    )
    .expect("written");
    let o = accord(&["review", path(&file)]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("agreement.toml:5:20"), "{err}");
    assert!(err.contains("1 to 10"), "{err}");
    assert!(stdout(&o).is_empty(), "nothing on stdout for invalid input");

    std::fs::write(&file, b"format = 1\ntitle = \"caf\xe9\"\n").expect("written");
    let o = accord(&["review", path(&file)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("agreement.toml:2:13"), "{}", stderr(&o));
    assert!(stderr(&o).contains("UTF-8"));

    let o = accord(&["guide", path(&file)]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn missing_files_and_bad_arguments_exit_2() {
    let o = accord(&["review", "/no/such/agreement.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("/no/such/agreement.toml"));
    for args in [
        vec!["review"],
        vec!["review", "--format", "yaml", "x.toml"],
        vec!["review", "--today", "2026-13-01", "x.toml"],
        vec!["new", "--scenario", "sometimes"],
        vec!["frobnicate"],
    ] {
        let o = accord(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn review_reads_standard_input() {
    let text = std::fs::read(example("solo-worker.toml")).expect("example");
    let o = accord_with_stdin(&["review", "--format", "json", "-"], Some(&text));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    assert_eq!(v["findings"].as_array().map(Vec::len), Some(6));
}

#[test]
fn guide_json_follows_the_scenario_order() {
    for (file, scenario, topics) in [
        (
            "draft-tried-before.toml",
            "tried-before",
            vec!["support", "consequences", "commitment"],
        ),
        (
            "solo-worker.toml",
            "solo-worker",
            vec!["goals", "recalibration"],
        ),
        (
            "solid-parallel-transitions.toml",
            "parallel-transitions",
            vec!["stretch", "support", "asymmetry-plan"],
        ),
    ] {
        let o = accord(&["guide", "--format", "json", path(&example(file))]);
        assert_eq!(o.status.code(), Some(0), "{file}");
        let v: Value = serde_json::from_str(&stdout(&o)).expect("JSON");
        assert_eq!(v["scenario"], scenario);
        let got: Vec<&str> = v["debrief"]
            .as_array()
            .expect("debrief")
            .iter()
            .map(|s| s["topic"].as_str().expect("topic"))
            .collect();
        assert_eq!(got, topics, "{file}");
        assert!(!v["framing"].as_array().expect("framing").is_empty());
        assert!(!v["watch"].as_array().expect("watch").is_empty());
    }
    let o = accord(&[
        "guide",
        "--format",
        "json",
        path(&example("draft-tried-before.toml")),
    ]);
    let v: Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    assert_eq!(
        v["debrief"][0]["findings"],
        serde_json::json!(["support-vague"])
    );
    assert_eq!(v["red_flags"][0]["rule"], "close-relationship");
    let o = accord(&["guide", path(&example("solo-worker.toml"))]);
    let out = stdout(&o);
    assert!(out.contains("external-reliance"), "{out}");
    assert!(out.contains("Debrief, in this order"));
}

#[test]
fn new_writes_a_template_that_reviews_and_never_overwrites_silently() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("pact.toml");
    let o = accord(&[
        "new",
        "--scenario",
        "tried-before",
        "--timezone",
        "Europe/Berlin",
        "--output",
        path(&file),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(&file).expect("written");
    assert!(text.contains("scenario = \"tried-before\""));
    assert!(text.contains("timezone = \"Europe/Berlin\""));
    let review = accord(&["review", "--format", "json", path(&file)]);
    assert_eq!(
        review.status.code(),
        Some(1),
        "a blank template has high gaps"
    );
    let v: Value = serde_json::from_str(&stdout(&review)).expect("JSON");
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["rule"].as_str().expect("rule"))
        .collect();
    assert!(
        rules.contains(&"history-missing") && rules.contains(&"agenda-missing"),
        "{rules:?}"
    );

    // An existing file is kept, byte for byte, unless --force is given.
    std::fs::write(&file, "mine").expect("written");
    let o = accord(&["new", "--scenario", "general", "--output", path(&file)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("already exists"));
    assert_eq!(std::fs::read_to_string(&file).expect("kept"), "mine");
    let o = accord(&[
        "new",
        "--scenario",
        "general",
        "--output",
        path(&file),
        "--force",
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        std::fs::read_to_string(&file)
            .expect("replaced")
            .contains("scenario = \"general\"")
    );
    // No temporary file is left behind.
    let names: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").collect();
    assert_eq!(names.len(), 1);

    let o = accord(&["new", "--scenario", "general", "--timezone", "Mars/Olympus"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("Mars/Olympus"));
    let o = accord(&[
        "new",
        "--scenario",
        "solo-worker",
        "--output",
        "/no/such/dir/pact.toml",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn new_prints_to_standard_output() {
    let o = accord(&["new", "--scenario", "solo-worker", "--today", "2026-11-21"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(text.contains("drafted = 2026-11-21"));
    let o = accord_with_stdin(&["review", "-"], Some(text.as_bytes()));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
}
