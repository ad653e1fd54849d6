//! "No hang, no crash, bounded memory" (issue 14): hostile files, FIFOs,
//! devices, broken outputs, odd numbers and odd names, and an `apiKeyHelper`
//! that will not stop. Every case runs the real binary (or, for `--online`,
//! the library with loopback stand-ins) under a wall-clock limit, and the
//! parsers' cases under a virtual-memory limit too, so a regression fails
//! instead of hanging or swapping the machine.
//!
//! 16 cases; `timeout_values_that_are_not_a_duration_are_usage_errors` is a
//! table of 10 values.

use crate::common::{self, World};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// No case may take longer than this; the old code hung or took 16 s.
const WALL_LIMIT: Duration = Duration::from_secs(20);
/// The address space the parsers' cases may use (the alias bomb took 10 GB).
const MEMORY_LIMIT_KIB: u64 = 2 << 20;

/// What one bounded run gave.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    /// Exit 0 or 1: a report, not a crash (134), a panic (101) or a kill.
    fn reported(&self) -> bool {
        matches!(self.code, Some(0 | 1))
    }
}

/// Runs `ccauth args` in the world under [`WALL_LIMIT`], and under
/// [`MEMORY_LIMIT_KIB`] of address space when `memory_bound`.
fn run(w: &World, args: &[&str], memory_bound: bool) -> Run {
    let binary = assert_cmd::cargo::cargo_bin("ccauth");
    let mut cmd = if memory_bound {
        let mut sh = Command::new("sh");
        sh.arg("-c")
            .arg(format!("ulimit -v {MEMORY_LIMIT_KIB}; exec \"$0\" \"$@\""))
            .arg(&binary);
        sh
    } else {
        Command::new(&binary)
    };
    cmd.args(args)
        .env_clear()
        .envs(w.env_pairs())
        .env("CCAUTH_SYSROOT", w.sysroot())
        .current_dir(w.workspace());
    run_command(cmd)
}

/// Runs `cmd` under [`WALL_LIMIT`] (killed past it), capturing stderr, and
/// stdout too unless the case gave it its own.
fn run_command(cmd: Command) -> Run {
    run_with_stdout(cmd, true)
}

fn run_with_stdout(mut cmd: Command, capture_stdout: bool) -> Run {
    use std::io::Read;
    use std::process::Stdio;
    let started = Instant::now();
    if capture_stdout {
        cmd.stdout(Stdio::piped());
    }
    let mut child = cmd.stderr(Stdio::piped()).spawn().expect("ccauth runs");
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_string(&mut text);
            }
            text
        })
    };
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > WALL_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Run {
        code: status.and_then(|s| s.code()),
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

/// A world whose workspace has a devcontainer using this compose file.
fn compose_world(compose: &str) -> World {
    let w = World::new();
    w.workspace_file(
        ".devcontainer/devcontainer.json",
        r#"{"dockerComposeFile": "compose.yml", "service": "app"}"#,
    );
    w.workspace_file(".devcontainer/compose.yml", compose);
    w
}

/// `doctor --format json` in the world under the memory limit: it must
/// report (exit 0 or 1), and the devcontainer-config cause is returned.
fn devcontainer_cause_within_bounds(w: &World) -> String {
    let run = run(w, &["doctor", "--format", "json"], true);
    assert!(run.reported(), "exit {:?}: {}", run.code, run.stderr);
    let report = common::parse_output(run.stdout.as_bytes());
    common::finding(&report, "devcontainer-config")["cause"]
        .as_str()
        .unwrap()
        .to_string()
}

fn mkfifo(path: &Path) {
    rustix::fs::mknodat(
        rustix::fs::CWD,
        path,
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_raw_mode(0o600),
        0,
    )
    .unwrap();
}

/// Issue 14: "a ~100 KB compose file of nested block sequences overflows
/// the stack (abort, exit 134)".
#[test]
fn compose_nested_block_sequences_100_kb_deep_are_a_finding() {
    let w = compose_world(&format!("{}x\n", "- ".repeat(50_000)));
    let cause = devcontainer_cause_within_bounds(&w);
    assert!(cause.contains("nested deeper than 128 levels"), "{cause}");
}

/// Issue 14: "a 450-byte YAML alias bomb takes 10 GB" (billion laughs:
/// nine levels of nine aliases each, 9^9 strings once expanded).
#[test]
fn compose_alias_bomb_is_a_finding_in_bounded_memory() {
    let mut bomb = String::from("a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n");
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for pair in names.windows(2) {
        let (prev, name) = (pair[0], pair[1]);
        let refs = vec![format!("*{prev}"); 9].join(",");
        bomb.push_str(&format!("{name}: &{name} [{refs}]\n"));
    }
    assert!(bomb.len() < 450, "{}", bomb.len());
    let w = compose_world(&bomb);
    let cause = devcontainer_cause_within_bounds(&w);
    assert!(cause.contains("aliases expand to more than"), "{cause}");
}

/// Issue 14: "one compose file named 8,000 times is parsed 8,000 times
/// (16 s, 2 GB)". A compose file of 2,000 services makes each parse cost.
#[test]
fn one_compose_file_named_8000_times_is_parsed_once() {
    let services: String = (0..2_000)
        .map(|i| format!("  s{i}:\n    environment:\n      - A{i}=1\n"))
        .collect();
    let w = compose_world(&format!(
        "services:\n  app:\n    environment:\n      - ANTHROPIC_API_KEY\n{services}"
    ));
    let names = vec!["\"compose.yml\""; 8_000].join(",");
    w.workspace_file(
        ".devcontainer/devcontainer.json",
        &format!(r#"{{"dockerComposeFile": [{names}], "service": "app"}}"#),
    );
    let started = Instant::now();
    assert!(devcontainer_cause_within_bounds(&w).contains("parsed"));
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
}

/// devcontainer.json is JSONC, parsed by a recursive parser: 100 KB of
/// nesting is refused before it.
#[test]
fn devcontainer_jsonc_nested_100_kb_deep_is_a_finding() {
    let w = World::new();
    w.workspace_file(
        ".devcontainer/devcontainer.json",
        &format!("{{\"a\": {}", "[{\"b\": ".repeat(10_000)),
    );
    assert!(devcontainer_cause_within_bounds(&w).contains("nested deeper"));
}

/// Issue 14: "`GITHUB_STEP_SUMMARY` naming a FIFO blocks forever".
#[test]
fn a_step_summary_that_is_a_fifo_is_refused_not_waited_on() {
    let w = World::new();
    let fifo = w.home().join("summary");
    mkfifo(&fifo);
    let w = w
        .with_env("GITHUB_ACTIONS", "true")
        .with_env("GITHUB_STEP_SUMMARY", &fifo.display().to_string());
    let run = run(&w, &["doctor", "--format", "github"], false);
    assert!(run.reported(), "exit {:?}: {}", run.code, run.stderr);
    assert!(
        run.stderr
            .contains("could not append to GITHUB_STEP_SUMMARY")
            && run.stderr.contains("a FIFO"),
        "{}",
        run.stderr
    );
}

/// A step summary that is a character device is refused as well.
#[test]
fn a_step_summary_that_is_a_device_is_refused() {
    let w = World::new()
        .with_env("GITHUB_ACTIONS", "true")
        .with_env("GITHUB_STEP_SUMMARY", "/dev/zero");
    let run = run(&w, &["doctor", "--format", "github"], false);
    assert!(run.reported(), "exit {:?}: {}", run.code, run.stderr);
    assert!(run.stderr.contains("a character device"), "{}", run.stderr);
}

/// `--output` naming a FIFO: refused at once, exit 2.
#[test]
fn output_to_a_fifo_is_refused_not_waited_on() {
    let w = World::new();
    let fifo = w.home().join("report");
    mkfifo(&fifo);
    let run = run(
        &w,
        &["doctor", "--output", &fifo.display().to_string()],
        false,
    );
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("is a FIFO"), "{}", run.stderr);
}

/// Issue 14: "`doctor > /dev/full` exits 0 with the report lost".
#[test]
fn a_report_lost_to_a_full_stdout_is_exit_2_with_a_message() {
    let w = World::new();
    for args in [
        &["doctor"][..],
        &["doctor", "--format", "json"],
        &["status"],
        &["checks"],
    ] {
        let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("ccauth"));
        cmd.args(args)
            .env_clear()
            .envs(w.env_pairs())
            .env("CCAUTH_SYSROOT", w.sysroot())
            .current_dir(w.workspace())
            .stdout(std::fs::File::create("/dev/full").unwrap());
        let run = run_with_stdout(cmd, false);
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
        assert!(
            run.stderr
                .contains("cannot write to standard output: ENOSPC"),
            "{args:?}: {}",
            run.stderr
        );
    }
}

/// `--output /dev/full` is a device: refused, exit 2.
#[test]
fn output_to_a_device_is_exit_2_with_a_message() {
    let run = run(&World::new(), &["doctor", "--output", "/dev/full"], false);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("/dev/full"), "{}", run.stderr);
}

/// A reader that went away (`ccauth doctor | head`) is not an error: no
/// message, and the exit code the report decided.
#[test]
fn a_closed_pipe_is_quiet() {
    let w = World::new();
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("ccauth"));
    cmd.args(["doctor"])
        .env_clear()
        .envs(w.env_pairs())
        .env("CCAUTH_SYSROOT", w.sysroot())
        .current_dir(w.workspace())
        .stdout(writer);
    let run = run_with_stdout(cmd, false);
    assert!(run.reported(), "exit {:?}: {}", run.code, run.stderr);
    assert_eq!(run.stderr, "");
}

/// Issue 14: "`--timeout NaN` panics (exit 101): a usage error, exit 2".
/// A table of 10 values that are no duration of 0.1 to 60 seconds.
#[test]
fn timeout_values_that_are_not_a_duration_are_usage_errors() {
    let w = World::new();
    for value in [
        "NaN", "nan", "inf", "-inf", "-1", "0", "1e308", "0.01", "3s", "",
    ] {
        let run = run(
            &w,
            &["doctor", "--online", &format!("--timeout={value}")],
            false,
        );
        assert_eq!(run.code, Some(2), "--timeout {value:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("--timeout") && !run.stderr.contains("internal error"),
            "--timeout {value:?}: {}",
            run.stderr
        );
    }
}

/// A world whose workspace is a directory with this name, holding a broken
/// devcontainer in a subdirectory of the same name, so the name shows both
/// in the runtime section and inside a finding.
fn odd_workspace(name: &str) -> (World, String) {
    let w = World::new();
    let dir = w.home().join(name);
    w.file(
        &dir.join(".devcontainer")
            .join(name)
            .join("devcontainer.json"),
        "{ broken",
    );
    let dir = dir.display().to_string();
    (w, dir)
}

/// Every format people or the Actions runner read (SARIF is printed to the
/// job's log when not written to a file).
const PEOPLE_FORMATS: [&str; 4] = ["human", "markdown", "github", "sarif"];

/// `doctor` on the odd workspace `dir`, in each of [`PEOPLE_FORMATS`].
fn doctor_in_people_formats(w: &World, dir: &str) -> Vec<(String, Run)> {
    PEOPLE_FORMATS
        .iter()
        .map(|format| {
            let args = [
                "doctor",
                "--workspace",
                dir,
                "--format",
                format,
                "--color",
                "never",
            ];
            (format.to_string(), run(w, &args, false))
        })
        .collect()
}

/// Issue 14: "a directory name can inject a GitHub Actions workflow command
/// today". The runner takes any line that starts with `::` once leading
/// white space is trimmed as a command (actions/runner,
/// `ActionCommand.TryParseV2`), so only ccauth's own annotations may.
#[test]
fn a_workspace_named_like_a_workflow_command_injects_nothing() {
    let (w, dir) = odd_workspace("x\n::error::pwned");
    for (format, run) in doctor_in_people_formats(&w, &dir) {
        assert!(run.reported(), "{format}: {}", run.stderr);
        for line in run.stdout.lines() {
            let body = line.trim_start();
            // `::error [file=…,line=…,col=…,]title=ccauth …`, ccauth's own.
            let properties = body
                .strip_prefix("::error ")
                .or_else(|| body.strip_prefix("::warning "))
                .and_then(|rest| rest.split_once("::"))
                .map(|(properties, _)| properties);
            let ours = properties.is_some_and(|p| {
                p.starts_with("title=ccauth ")
                    || (p.starts_with("file=") && p.contains(",title=ccauth "))
            });
            assert!(
                !body.starts_with("::") || (format == "github" && ours),
                "{format}: {line}"
            );
        }
    }
    let human = run(
        &w,
        &["doctor", "--workspace", &dir, "--color", "never"],
        false,
    )
    .stdout;
    assert!(human.contains("x\\n::error::pwned"), "{human}");
}

/// A terminal escape in a file name is shown, not sent to the terminal, in
/// every format for people and in `status` and `why`.
#[test]
fn a_workspace_named_with_a_terminal_escape_is_shown_not_obeyed() {
    let (w, dir) = odd_workspace("\u{1b}[31mred\u{7}");
    let mut runs = doctor_in_people_formats(&w, &dir);
    for command in ["status", "why"] {
        let mut args = vec![command, "--workspace", &dir, "--color", "never"];
        if command == "why" {
            args.push("Invalid API key \u{1b}[2J");
        }
        runs.push((command.to_string(), run(&w, &args, false)));
    }
    for (what, run) in runs {
        assert!(run.reported(), "{what}: {}", run.stderr);
        assert!(!run.stdout.contains('\u{1b}'), "{what}: {:?}", run.stdout);
        assert!(!run.stdout.contains('\u{7}'), "{what}: {:?}", run.stdout);
    }
}

/// A closed loopback port, for hosts that must not be reached.
fn closed_port() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    format!("https://127.0.0.1:{port}")
}

/// The `--online` facts of a world whose user settings name this
/// apiKeyHelper, every host a closed loopback port, within `timeout`, and
/// how long gathering and probing took.
fn probe_with_helper(w: &World, helper: &str, timeout: Duration) -> (serde_json::Value, Duration) {
    use ccauth::gather::{self, GatherInput};
    use ccauth::probe::{self, Probing};
    w.home_file(
        ".claude/settings.json",
        &serde_json::json!({ "apiKeyHelper": helper }).to_string(),
    );
    let closed = closed_port();
    let probing = ["api.anthropic.com", "platform.claude.com", "claude.ai"]
        .iter()
        .fold(Probing::new(timeout), |p, host| p.redirect(host, &closed));
    let started = Instant::now();
    let ctx = gather::gather(GatherInput {
        env: w.env(),
        cwd: w.workspace(),
        workspace: None,
        sysroot: w.sysroot(),
        now: std::time::SystemTime::now(),
        uid: None,
        launcher: None,
    });
    let facts = serde_json::to_value(probe::run(&ctx, &probing).expect("probed")).unwrap();
    (facts, started.elapsed())
}

/// Live (not zombie) process ids whose process group is `group`, from /proc.
fn members_of_group(group: u32) -> Vec<u32> {
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            // pid (comm) state ppid pgrp …; comm may hold spaces, so split after ')'.
            let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
            let fields: Vec<&str> = after.split_whitespace().collect();
            fields.first() != Some(&"Z") && fields.get(2) == Some(&group.to_string().as_str())
        })
        .collect()
}

/// Issue 14: "The `--online` helper ignores `--timeout` and leaves its
/// children running when killed". This helper starts a `sleep 1000`
/// grandchild and hangs; ccauth returns within the timeout and nothing of
/// the helper's process group is left.
#[test]
fn a_hanging_helper_is_stopped_at_the_timeout_with_its_grandchildren() {
    let w = World::new().with_env("PATH", "/usr/bin:/bin");
    let pid_file = w.home().join("helper.pid");
    let helper = format!("echo $$ > {}; sleep 1000 & sleep 1000", pid_file.display());
    let (facts, elapsed) = probe_with_helper(&w, &helper, Duration::from_secs(1));
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
    let skipped = facts["token_skipped"].as_str().unwrap_or_default();
    assert!(skipped.contains("did not finish within 1.0 s"), "{facts}");
    let group: u32 = std::fs::read_to_string(&pid_file)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(
        members_of_group(group),
        Vec::<u32>::new(),
        "group {group} left running"
    );
}

/// A helper key, planted to be sent to the loopback stand-in only.
const HELPER_KEY: &str =
    "sk-ant-api03-HELPERkey0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ-CCCC";

/// A helper that prints [`HELPER_KEY`] and then does `then`: ccauth uses
/// the key within a few seconds.
fn assert_key_used_quickly(then: &str) {
    let w = World::new().with_env("PATH", "/usr/bin:/bin");
    let helper = format!("echo {HELPER_KEY}; {then}");
    let (facts, elapsed) = probe_with_helper(&w, &helper, Duration::from_secs(2));
    assert!(elapsed < Duration::from_secs(6), "took {elapsed:?}");
    assert!(facts["token"].is_object(), "the key was sent: {facts}");
}

/// A helper that prints its key, then exits leaving a grandchild that holds
/// its stdout open: the key is read and ccauth does not wait on the pipe
/// (the old code read to the end of the pipe, for ever).
#[test]
fn a_helper_whose_grandchild_holds_the_pipe_does_not_hang() {
    assert_key_used_quickly("sleep 1000 &");
}

/// A helper that prints 100 MB after its key: only the first 64 KiB are
/// read, and the key is used (the old code let the pipe fill and waited
/// 10 s for a helper blocked on it).
#[test]
fn a_helper_printing_100_mb_is_read_in_bounded_memory() {
    assert_key_used_quickly("head -c 100000000 /dev/zero; exit 0");
}
