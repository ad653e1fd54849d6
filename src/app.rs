//! Wiring: parse the command line, gather, check, render, choose the exit code.

use crate::checks::{self, CHECKS, Overrides, Selection};
use crate::cli::{
    Cli, ColorChoice, Command, DoctorArgs, Format, StatusArgs, StatusFormat, WhyArgs, WorldArgs,
};
use crate::fix;
use crate::gather::{self, GatherInput, env::Env};
use crate::report::{self, Report, Runtime};
use crate::secret::Scrubber;
use crate::status::StatusReport;
use clap::{CommandFactory, Parser};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

/// Exit code for usage errors.
const USAGE: u8 = 2;
/// Exit code for internal errors.
const INTERNAL: u8 = 101;

/// The whole program; `main` only calls this.
pub fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map_or(String::new(), |l| format!(" at {l}"));
        eprintln!("ccauth: internal error{location}. Please report it with the command you ran.");
    }));
    let cli = Cli::parse();
    match std::panic::catch_unwind(|| run(cli)) {
        Ok(code) => code,
        Err(_) => ExitCode::from(INTERNAL),
    }
}

fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Doctor(args) => doctor(&args),
        Command::Status(args) => status(&args),
        Command::Why(args) => why(&args),
        Command::Checks => {
            let width = CHECKS.iter().map(|c| c.id().len()).max().unwrap_or(0);
            let text: String = CHECKS
                .iter()
                .map(|c| format!("{:<width$}  {}\n", c.id(), c.title()))
                .collect();
            emit(&text);
            ExitCode::SUCCESS
        }
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "ccauth", &mut out);
            emit(&String::from_utf8_lossy(&out));
            ExitCode::SUCCESS
        }
        Command::Man => {
            let mut out = Vec::new();
            match clap_mangen::Man::new(Cli::command()).render(&mut out) {
                Ok(()) => {
                    emit(&String::from_utf8_lossy(&out));
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("ccauth: {e}");
                    ExitCode::from(INTERNAL)
                }
            }
        }
        Command::Explain { id } => match checks::find(&id) {
            Some(check) => {
                emit(check.doc());
                ExitCode::SUCCESS
            }
            None => usage_error(&format!("no check has the id '{id}'")),
        },
    }
}

fn doctor(args: &DoctorArgs) -> ExitCode {
    let selection = Selection {
        only: args.only.clone(),
        skip: args.skip.clone(),
    };
    let overrides = Overrides {
        warn: args.warn_ids.clone(),
        allow: args.allow_ids.clone(),
        deny: args.deny_ids.clone(),
    };
    let named = args.fix.clone().unwrap_or_default();
    let mut unknown: Vec<&str> = selection.unknown_ids();
    unknown.extend(
        named
            .iter()
            .chain(overrides.ids())
            .map(String::as_str)
            .filter(|id| checks::find(id).is_none()),
    );
    if !unknown.is_empty() {
        return usage_error(&format!("unknown check id '{}'", unknown.join("', '")));
    }
    if args.online && !cfg!(feature = "online") {
        return usage_error(
            "this ccauth was built without the online feature, so --online is not available",
        );
    }
    let online = args
        .online
        .then(|| std::time::Duration::from_secs_f64(args.timeout.clamp(0.1, 60.0)));
    let (ctx, color) = gather_world(&args.world, args.color, online);
    let check = |ctx: &gather::Context| {
        let mut results = checks::run_all(ctx, &selection);
        overrides.apply(&mut results);
        results
    };
    let results = check(&ctx);
    let mut secrets = ctx.known_secret_values();
    let (report, ctx) = match &args.fix {
        None => (Report::new(Runtime::from_context(&ctx), results), ctx),
        Some(_) if args.dry_run => {
            let outcomes = fix::run(&ctx, &results, &named, true);
            (
                Report::new(Runtime::from_context(&ctx), results).with_fixes(outcomes, None),
                ctx,
            )
        }
        Some(_) => {
            let outcomes = fix::run(&ctx, &results, &named, false);
            let before = results.iter().map(|r| (r.id, r.finding.status)).collect();
            // Check again, on a fresh snapshot of the repaired world.
            let (after_ctx, _) = gather_world(&args.world, args.color, online);
            let after = check(&after_ctx);
            let report = Report::new(Runtime::from_context(&after_ctx), after)
                .with_fixes(outcomes, Some(before));
            (report, after_ctx)
        }
    };
    // The values of both snapshots: a repair may have moved one.
    secrets.extend(ctx.known_secret_values());
    let sink = Sink(Scrubber::with_values(secrets));
    let report = report.masked(&sink.0);
    let in_actions = ctx.env.equals("GITHUB_ACTIONS", "true");
    let human = || {
        let style = report::human::Style {
            color,
            verbose: args.verbose,
        };
        report::human::render(&report, style)
    };
    let text = match args.format {
        Format::Auto if in_actions => format!("{}\n{}", human(), report::github::render(&report)),
        Format::Auto | Format::Human => human(),
        Format::Json => report::json::render(&report),
        Format::Github => report::github::render(&report),
        Format::Markdown => report::markdown::render(&report),
        Format::Junit => report::junit::render(&report),
    };
    let annotating = args.format == Format::Github || (args.format == Format::Auto && in_actions);
    if let Some(summary) = ctx
        .env
        .non_empty("GITHUB_STEP_SUMMARY")
        .filter(|_| annotating)
        && let Err(why) = sink.append(
            std::path::Path::new(summary),
            &report::markdown::render(&report),
        )
    {
        sink.stderr(&format!(
            "ccauth: could not append to GITHUB_STEP_SUMMARY ({summary}): {why}"
        ));
    }
    if let Err(code) = sink.deliver(&text, args.output.as_deref()) {
        return code;
    }
    if report.has_problems(args.strict) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Where an inspecting command's text goes. Every byte passes the masking
/// rule of the snapshots it read, as the last step before it leaves:
/// stdout, stderr, `--output` and the step summary alike.
struct Sink(Scrubber);

impl Sink {
    /// The sink for a command that read one snapshot.
    fn for_context(ctx: &gather::Context) -> Self {
        Sink(ctx.scrubber())
    }

    fn stdout(&self, text: &str) {
        emit(&self.0.scrub(text));
    }

    fn stderr(&self, text: &str) {
        eprintln!("{}", self.0.scrub(text));
    }

    /// Writes the report to `--output` or standard output.
    fn deliver(&self, text: &str, output: Option<&std::path::Path>) -> Result<(), ExitCode> {
        let Some(path) = output else {
            self.stdout(text);
            return Ok(());
        };
        std::fs::write(path, self.0.scrub(text)).map_err(|e| {
            self.stderr(&format!(
                "ccauth: cannot write {}: {}",
                path.display(),
                gather::fsread::describe_io(&e)
            ));
            ExitCode::from(USAGE)
        })
    }

    /// Appends to a file, creating it if needed.
    fn append(&self, path: &std::path::Path, text: &str) -> std::io::Result<()> {
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        file.write_all(self.0.scrub(text).as_bytes())
    }
}

fn status(args: &StatusArgs) -> ExitCode {
    let (ctx, color) = gather_world(&args.view.world, args.view.color, None);
    let report = StatusReport::from_context(&ctx);
    Sink::for_context(&ctx).stdout(&render_view(
        args.view.format,
        color,
        &report,
        report::status::json,
        report::status::human,
    ));
    if report.logged_in {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn why(args: &WhyArgs) -> ExitCode {
    let message = match args.message.as_deref() {
        Some(text) if text != "-" => text.to_string(),
        _ => {
            let mut text = String::new();
            // A pasted log is enough; a stream without end is cut.
            let _ = std::io::Read::read_to_string(
                &mut std::io::Read::take(std::io::stdin(), 1 << 20),
                &mut text,
            );
            text
        }
    };
    if message.trim().is_empty() {
        eprintln!("error: give the message you see, as an argument or on standard input");
        return ExitCode::from(USAGE);
    }
    let online =
        (args.online && cfg!(feature = "online")).then(|| std::time::Duration::from_secs(3));
    let (ctx, color) = gather_world(&args.view.world, args.view.color, online);
    let report = crate::why::diagnose(&ctx, &message);
    Sink::for_context(&ctx).stdout(&render_view(
        args.view.format,
        color,
        &report,
        report::why::json,
        report::why::human,
    ));
    if report.matches.iter().any(|m| m.holds) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Renders a `status` or `why` answer in the format asked for.
fn render_view<R>(
    format: StatusFormat,
    color: bool,
    report: &R,
    json: fn(&R) -> String,
    human: fn(&R, report::human::Style) -> String,
) -> String {
    match format {
        StatusFormat::Json => json(report),
        StatusFormat::Human => human(
            report,
            report::human::Style {
                color,
                verbose: false,
            },
        ),
    }
}

/// Snapshots the world the way every inspecting command does, and decides colour.
fn gather_world(
    world: &WorldArgs,
    color: ColorChoice,
    online: Option<std::time::Duration>,
) -> (gather::Context, bool) {
    let env = Env::from_process();
    let color = use_color(color, &env);
    let cwd = std::env::current_dir().unwrap_or_else(|_| "/".into());
    let ctx = gather::gather(GatherInput {
        env,
        cwd,
        workspace: world.workspace.clone(),
        sysroot: world.sysroot.clone(),
        now: std::time::SystemTime::now(),
        uid: None,
        online,
    });
    (ctx, color)
}

/// `--color`, then NO_COLOR, then CLICOLOR_FORCE, then whether stdout is a terminal.
fn use_color(choice: ColorChoice, env: &Env) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            if env.non_empty("NO_COLOR").is_some() {
                false
            } else if env.non_empty("CLICOLOR_FORCE").is_some_and(|v| v != "0") {
                true
            } else {
                env.get("TERM") != Some("dumb") && std::io::stdout().is_terminal()
            }
        }
    }
}

fn usage_error(message: &str) -> ExitCode {
    let ids: Vec<&str> = CHECKS.iter().map(|c| c.id()).collect();
    eprintln!(
        "error: {message}\n\nValid check ids:\n  {}",
        ids.join("\n  ")
    );
    ExitCode::from(USAGE)
}

/// Writes to stdout; a closed pipe (`ccauth doctor | head`) is not an error.
fn emit(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
}
