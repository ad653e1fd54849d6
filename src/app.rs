//! Wiring: parse the command line, gather, check, render, choose the exit code.

use crate::checks::aliases::IdResolver;
use crate::checks::{self, CHECKS, Overrides, Selection};
use crate::cli::{
    CallbackArgs, Cli, ColorChoice, Command, DoctorArgs, Format, ReportArgs, StatusArgs,
    StatusFormat, WhyArgs, WhyFormat, WorldArgs,
};
use crate::fix;
use crate::gather::{self, GatherInput, env::Env};
use crate::probe::{self, OnlineFacts, Probing};
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
        say(&format!(
            "ccauth: internal error{location}. Please report it with the command you ran."
        ));
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
        Command::Callback(args) => callback(&args),
        Command::Report(args) => rerender(&args),
        Command::Checks => {
            let width = CHECKS.iter().map(|c| c.id().len()).max().unwrap_or(0);
            let text: String = CHECKS
                .iter()
                .map(|c| format!("{:<width$}  {}\n", c.id(), c.title()))
                .collect();
            finish(emit(&text), ExitCode::SUCCESS)
        }
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "ccauth", &mut out);
            finish(emit(&String::from_utf8_lossy(&out)), ExitCode::SUCCESS)
        }
        Command::Man { command } => man(command.as_deref()),
        Command::Explain { id } => explain(&id),
    }
}

/// `ccauth explain <id>` or `<id>/<kind>`: the check's doc; for a problem
/// code (as annotations, SARIF and JSON name problems), the doc's line for
/// that code first.
fn explain(asked: &str) -> ExitCode {
    let (id, kind) = asked.split_once('/').unwrap_or((asked, ""));
    let Some(resolved) = checks::resolve(id) else {
        return usage_error(&format!("no check has the id '{id}'"));
    };
    if let Some(note) = resolved.note() {
        say(&note);
    }
    let doc = resolved.check.doc();
    if kind.is_empty() {
        return finish(emit(doc), ExitCode::SUCCESS);
    }
    let code = format!("{}/{kind}", resolved.check.id());
    match checks::codes::documented(doc)
        .into_iter()
        .find(|d| d.code == code)
    {
        Some(found) => finish(
            emit(&format!("{} {}\n\n{doc}", found.code, found.says)),
            ExitCode::SUCCESS,
        ),
        None => usage_error(&format!(
            "{} has no problem '{kind}': its codes are {}",
            resolved.check.id(),
            checks::codes::documented(doc)
                .iter()
                .map(|d| d.code)
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// `ccauth man [COMMAND]`: the top page, whose SUBCOMMANDS section refers to
/// `ccauth-<command>(1)`, or that command's own page, with its options and
/// exit codes. Clap's `help` subcommand is left out: no page is made for it.
fn man(command: Option<&str>) -> ExitCode {
    let mut top = Cli::command().disable_help_subcommand(true);
    top.build();
    let page = match command {
        None => top,
        Some(name) => match top.find_subcommand(name) {
            Some(sub) => sub.clone(),
            None => {
                let names: Vec<&str> = top.get_subcommands().map(|c| c.get_name()).collect();
                say(&format!(
                    "error: ccauth has no command '{name}'\n\nCommands:\n  {}",
                    names.join("\n  ")
                ));
                return ExitCode::from(USAGE);
            }
        },
    };
    let mut out = Vec::new();
    match clap_mangen::Man::new(page).render(&mut out) {
        Ok(()) => finish(emit(&String::from_utf8_lossy(&out)), ExitCode::SUCCESS),
        Err(e) => {
            say(&format!("ccauth: {e}"));
            ExitCode::from(INTERNAL)
        }
    }
}

fn doctor(args: &DoctorArgs) -> ExitCode {
    let mut ids = IdResolver::new();
    let selection = Selection {
        only: ids.current(&args.only),
        skip: ids.current(&args.skip),
    };
    let overrides = Overrides {
        warn: ids.current(&args.warn_ids),
        allow: ids.current(&args.allow_ids),
        deny: ids.current(&args.deny_ids),
    };
    let named = ids.current(args.fix.as_deref().unwrap_or_default());
    if let Err(code) = settle(&ids) {
        return code;
    }
    if args.online && !cfg!(feature = "online") {
        return usage_error(
            "this ccauth was built without the online feature, so --online is not available",
        );
    }
    let probing = args.online.then(|| Probing::new(args.timeout));
    let (ctx, color) = gather_world(&args.world, args.color);
    // Gather, then probe the finished snapshot, then judge both.
    let check = |ctx: &gather::Context| {
        let online = probe_world(ctx, probing.as_ref());
        let mut results = checks::run_all(ctx, online.as_ref(), &selection);
        overrides.apply(&mut results);
        results
    };
    let results = check(&ctx);
    let mut secrets = ctx.known_secret_values();
    let (report, ctx) = match &args.fix {
        None => (Report::new(runtime(&ctx), results), ctx),
        Some(_) if args.dry_run => {
            let outcomes = fix::run(&results, &named, true);
            (
                Report::new(runtime(&ctx), results).with_fixes(outcomes, None),
                ctx,
            )
        }
        Some(_) => {
            let outcomes = fix::run(&results, &named, false);
            let before = results.iter().map(|r| (r.id, r.finding.status)).collect();
            // Check again, on a fresh snapshot of the repaired world.
            let (after_ctx, _) = gather_world(&args.world, args.color);
            let mut after = check(&after_ctx);
            for (result, was) in after.iter_mut().zip(&results) {
                result.before_fix = Some(was.finding.status);
            }
            let report = Report::new(runtime(&after_ctx), after).with_fixes(outcomes, Some(before));
            (report, after_ctx)
        }
    };
    let rendering = Rendering {
        format: args.format,
        color,
        verbose: args.verbose,
        strict: args.strict,
        output: args.output.as_deref(),
    };
    // The values of both snapshots: a repair may have moved one.
    secrets.extend(ctx.known_secret_values());
    let sink = Sink(Scrubber::with_values(secrets));
    publish(&report.masked(&sink.0), &rendering, &ctx.env, &sink)
}

/// `ccauth report --from FILE`: a saved JSON report, rendered as `doctor` would.
fn rerender(args: &ReportArgs) -> ExitCode {
    let report = match report::saved::load(&args.from) {
        Ok(report) => report,
        Err(why) => {
            say(&format!("error: {why}"));
            return ExitCode::from(USAGE);
        }
    };
    let env = Env::from_process();
    let rendering = Rendering {
        format: args.format,
        color: use_color(args.color, &env),
        verbose: args.verbose,
        strict: args.strict,
        output: args.output.as_deref(),
    };
    // The saved report was masked when it was written; its shapes are
    // masked again, since the file may come from anywhere.
    let sink = Sink(Scrubber::with_values(Vec::<String>::new()));
    publish(&report.masked(&sink.0), &rendering, &env, &sink)
}

/// How a doctor report is shown: the options `doctor` and `report` share.
struct Rendering<'a> {
    format: Format,
    color: bool,
    verbose: bool,
    strict: bool,
    output: Option<&'a std::path::Path>,
}

/// Renders a report, adds the step summary inside GitHub Actions, delivers it,
/// and gives the exit code its statuses call for.
fn publish(report: &Report, rendering: &Rendering, env: &Env, sink: &Sink) -> ExitCode {
    let in_actions = env.equals("GITHUB_ACTIONS", "true");
    let human = || {
        let style = report::human::Style {
            color: rendering.color,
            verbose: rendering.verbose,
        };
        report::human::render(report, style)
    };
    let text = match rendering.format {
        Format::Auto if in_actions => format!("{}\n{}", human(), report::github::render(report)),
        Format::Auto | Format::Human => human(),
        Format::Json => report::json::render(report),
        Format::Github => report::github::render(report),
        Format::Markdown => report::markdown::render(report),
        Format::Junit => report::junit::render(report, rendering.strict),
        Format::Sarif => report::sarif::render(report),
    };
    let annotating =
        rendering.format == Format::Github || (rendering.format == Format::Auto && in_actions);
    if let Some(summary) = env.non_empty("GITHUB_STEP_SUMMARY").filter(|_| annotating)
        && let Err(why) = sink.append(
            std::path::Path::new(summary),
            &report::markdown::render(report),
        )
    {
        sink.stderr(&format!(
            "ccauth: could not append to GITHUB_STEP_SUMMARY ({}): {why}",
            report::escape::line(summary)
        ));
    }
    let verdict = if report.has_problems(rendering.strict) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    finish(sink.deliver(&text, rendering.output), verdict)
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

    fn stdout(&self, text: &str) -> Result<(), Delivery> {
        emit(&self.0.scrub(text))
    }

    fn stderr(&self, text: &str) {
        say(&self.0.scrub(text));
    }

    /// Writes the report to `--output` or standard output.
    fn deliver(&self, text: &str, output: Option<&std::path::Path>) -> Result<(), Delivery> {
        let Some(path) = output else {
            return self.stdout(text);
        };
        let text = self.0.scrub(text);
        gather::fsread::write_regular(path, text.as_bytes(), gather::fsread::WriteMode::Replace)
            .map_err(|why| {
                Delivery::Failed(format!(
                    "cannot write the report: {} {why}",
                    report::escape::line(&path.display().to_string())
                ))
            })
    }

    /// Appends to a regular file, creating it if needed; a FIFO, device or
    /// directory there is refused rather than blocked on.
    fn append(&self, path: &std::path::Path, text: &str) -> Result<(), String> {
        let text = self.0.scrub(text);
        gather::fsread::write_regular(path, text.as_bytes(), gather::fsread::WriteMode::Append)
            .map_err(|why| format!("it {why}"))
    }
}

fn status(args: &StatusArgs) -> ExitCode {
    let (ctx, color) = gather_world(&args.view.world, args.view.color);
    let report = StatusReport::from_context(&ctx);
    let shown = Sink::for_context(&ctx).stdout(&render_view(
        args.view.format == StatusFormat::Json,
        color,
        &report,
        report::status::json,
        report::status::human,
    ));
    let verdict = if report.logged_in {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    };
    finish(shown, verdict)
}

fn why(args: &WhyArgs) -> ExitCode {
    let message = args.message.clone().unwrap_or_default();
    let from_stdin = message.is_empty() || message == "-";
    // A terminal on standard input would wait for a paste nobody announced.
    if from_stdin && std::io::stdin().is_terminal() || !from_stdin && message.trim().is_empty() {
        say("error: give the message you see, as an argument or on standard input");
        return ExitCode::from(USAGE);
    }
    let probing = (args.online && cfg!(feature = "online"))
        .then(|| Probing::new(std::time::Duration::from_secs(3)));
    let (ctx, color) = gather_world(&args.world, args.color);
    let online = probe_world(&ctx, probing.as_ref());
    let report = if from_stdin {
        crate::why::diagnose_stream(&ctx, online.as_ref(), std::io::stdin().lock())
    } else {
        Some(crate::why::diagnose(&ctx, online.as_ref(), &message))
    };
    let Some(report) = report else {
        say("error: standard input holds no message; give the one you see as an argument");
        return ExitCode::from(USAGE);
    };
    let shown = Sink::for_context(&ctx).stdout(&render_view(
        args.format == WhyFormat::Json,
        color,
        &report,
        report::why::json,
        report::why::human,
    ));
    let verdict = if report.matches.iter().any(|m| m.holds()) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    finish(shown, verdict)
}

/// The argument, or (when absent or `-`) standard input up to `limit`
/// bytes; from a terminal, the first line only, so one Enter ends a paste.
fn argument_or_stdin(argument: Option<&str>, limit: u64) -> String {
    if let Some(text) = argument.filter(|t| *t != "-") {
        return text.to_string();
    }
    let stdin = std::io::stdin();
    let mut text = String::new();
    let mut bounded = std::io::Read::take(stdin.lock(), limit);
    let _ = if stdin.is_terminal() {
        std::io::BufRead::read_line(&mut std::io::BufReader::new(bounded), &mut text)
    } else {
        std::io::Read::read_to_string(&mut bounded, &mut text)
    };
    text
}

fn callback(args: &CallbackArgs) -> ExitCode {
    if args.url.is_none() && std::io::stdin().is_terminal() {
        say("Paste the URL from the browser's address bar, then press Enter:");
    }
    let text = argument_or_stdin(args.url.as_deref(), 64 << 10);
    let url = match crate::callback::validate(&text) {
        Ok(url) => url,
        Err(refusal) => {
            say(&format!("ccauth callback: {}", refusal.message()));
            return ExitCode::from(USAGE);
        }
    };
    let env = Env::from_process();
    let in_container = gather::system::detect_markers(&env, &args.sysroot)
        .iter()
        .any(|m| m.place.is_container());
    let report = crate::callback::deliver(&url, &args.sysroot, in_container, args.timeout);
    let text = match args.format {
        StatusFormat::Human => report::callback::human(&report),
        StatusFormat::Json => report::callback::json(&report),
    };
    finish(emit(&text), ExitCode::from(report.exit_code()))
}

/// Renders a `status` or `why` answer in the format asked for.
fn render_view<R>(
    as_json: bool,
    color: bool,
    report: &R,
    json: fn(&R) -> String,
    human: fn(&R, report::human::Style) -> String,
) -> String {
    if as_json {
        json(report)
    } else {
        human(
            report,
            report::human::Style {
                color,
                verbose: false,
            },
        )
    }
}

/// The runtime section of a report, with the sign-in line decided here,
/// before the report is assembled.
fn runtime(ctx: &gather::Context) -> Runtime {
    Runtime::from_context(
        ctx,
        crate::status::one_line(ctx),
        crate::status::gates_line(ctx),
    )
}

/// With `--online` only: the network probed for the finished snapshot.
fn probe_world(ctx: &gather::Context, probing: Option<&Probing>) -> Option<OnlineFacts> {
    probing.and_then(|probing| probe::run(ctx, probing))
}

/// Snapshots the world the way every inspecting command does, and decides colour.
fn gather_world(world: &WorldArgs, color: ColorChoice) -> (gather::Context, bool) {
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
        launcher: world.launcher,
    });
    (ctx, color)
}

/// `--color`; in auto, the environment as [`auto_color`] reads it.
fn use_color(choice: ColorChoice, env: &Env) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => auto_color(env, std::io::stdout().is_terminal()),
    }
}

/// The colour decision of `anstream::AutoStream::choice` (the crate clap
/// writes its help through), made on the snapshot's environment: NO_COLOR
/// wins, then CLICOLOR_FORCE (not `0`), then CLICOLOR=0 turns colour off,
/// then a terminal colours when TERM names one (not `dumb`), CLICOLOR is set,
/// or CI is. FORCE_COLOR is read as Node (the client's runtime) and the
/// supports-color crate read it: set to anything but `0` or `false` it
/// forces colour, set to `0` or `false` it turns it off.
pub(crate) fn auto_color(env: &Env, terminal: bool) -> bool {
    let clicolor = env.get("CLICOLOR");
    let force_color = env.get("FORCE_COLOR");
    if env.non_empty("NO_COLOR").is_some() {
        return false;
    }
    if let Some(force) = force_color {
        return !matches!(force, "0" | "false");
    }
    if env.non_empty("CLICOLOR_FORCE").is_some_and(|v| v != "0") {
        return true;
    }
    if clicolor == Some("0") {
        return false;
    }
    let term = env.get("TERM").is_some_and(|t| t != "dumb");
    terminal && (term || clicolor.is_some() || env.get("CI").is_some())
}

/// Says the deprecation notes of the ids typed, then refuses the unknown ones.
fn settle(ids: &IdResolver) -> Result<(), ExitCode> {
    for note in ids.notes() {
        say(note);
    }
    match ids.unknown() {
        [] => Ok(()),
        unknown => Err(usage_error(&format!(
            "unknown check id '{}'",
            unknown.join("', '")
        ))),
    }
}

fn usage_error(message: &str) -> ExitCode {
    let ids: Vec<&str> = CHECKS.iter().map(|c| c.id()).collect();
    say(&format!(
        "error: {message}\n\nValid check ids:\n  {}",
        ids.join("\n  ")
    ));
    ExitCode::from(USAGE)
}

/// Why the answer did not reach its reader.
enum Delivery {
    /// The reader went away (`ccauth doctor | head`): nothing to say.
    ReaderGone,
    /// A real write error (a full disk, `/dev/full`, a FIFO as `--output`), in words.
    Failed(String),
}

/// Writes to stdout, and says whether the text arrived.
fn emit(text: &str) -> Result<(), Delivery> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::BrokenPipe => Delivery::ReaderGone,
            _ => Delivery::Failed(format!(
                "cannot write to standard output: {}",
                gather::fsread::describe_io(&e)
            )),
        })
}

/// The exit code once the answer was written: `verdict` when it arrived or
/// its reader left, 2 with a message when it was lost to a write error.
fn finish(delivered: Result<(), Delivery>, verdict: ExitCode) -> ExitCode {
    match delivered {
        Ok(()) | Err(Delivery::ReaderGone) => verdict,
        Err(Delivery::Failed(why)) => {
            say(&format!("ccauth: {why}"));
            ExitCode::from(USAGE)
        }
    }
}

/// A line on stderr; when stderr itself cannot be written there is nobody
/// left to tell, so the error is dropped instead of panicking as `eprintln!` would.
fn say(message: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{message}");
}

#[cfg(test)]
mod tests {
    use super::auto_color;
    use crate::gather::env::of as env;

    #[test]
    fn colour_follows_the_ecosystem_variables() {
        let term = ("TERM", "xterm-256color");
        // (environment, stdout is a terminal, colour)
        type Case<'a> = (&'a [(&'a str, &'a str)], bool, bool);
        let cases: &[Case] = &[
            (&[term], true, true),
            (&[term], false, false),
            (&[], true, false),
            (&[("TERM", "dumb")], true, false),
            (&[("CLICOLOR", "1")], true, true),
            (&[term, ("CLICOLOR", "0")], true, false),
            (&[("CLICOLOR_FORCE", "1")], false, true),
            (&[("CLICOLOR_FORCE", "0")], false, false),
            (&[("FORCE_COLOR", "1")], false, true),
            (&[("FORCE_COLOR", "")], false, true),
            (&[("FORCE_COLOR", "3"), ("CLICOLOR", "0")], false, true),
            (&[term, ("FORCE_COLOR", "0")], true, false),
            (&[term, ("FORCE_COLOR", "false")], true, false),
            (&[("FORCE_COLOR", "1"), ("NO_COLOR", "1")], false, false),
            (&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")], false, false),
            (&[("CI", "true")], true, true),
        ];
        for (pairs, terminal, expected) in cases {
            assert_eq!(
                auto_color(&env(pairs), *terminal),
                *expected,
                "{pairs:?}, terminal: {terminal}"
            );
        }
    }
}
