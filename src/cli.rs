//! The command line, declared with clap.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const EXIT_CODES: &str = "\
Exit codes:
  0    no check failed (warnings allowed unless --strict)
  1    at least one check failed (or warned, with --strict)
  2    usage error, such as an unknown check id, or the report could not be written
  101  internal error in ccauth itself";

/// Diagnoses why Claude Code cannot sign in inside containers, devcontainers,
/// Codespaces and CI runners, and says how to fix it.
#[derive(Debug, Parser)]
#[command(name = "ccauth", version, about, after_help = EXIT_CODES)]
pub(crate) struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run every check and report the cause next to the fix.
    #[command(after_help = EXIT_CODES)]
    Doctor(DoctorArgs),
    /// Show which credential Claude Code will use, from where, and why.
    #[command(after_help = STATUS_EXIT_CODES)]
    Status(StatusArgs),
    /// From the message you see to the causes that hold here.
    #[command(after_help = WHY_HELP)]
    Why(WhyArgs),
    /// Finish a browser login whose localhost callback never arrived: deliver
    /// the URL from the browser's address bar to the claude waiting here.
    #[command(after_help = CALLBACK_HELP)]
    Callback(CallbackArgs),
    /// Render a saved `ccauth doctor --format json` report in another format,
    /// without checking again.
    #[command(after_help = REPORT_HELP)]
    Report(ReportArgs),
    /// List every check's id and title.
    Checks,
    /// Print the documentation of one check.
    Explain {
        /// The check id, as `ccauth checks` lists it, or a problem code
        /// (`env-file-ignored/tracked`), as reports name problems.
        #[arg(value_parser = CheckId, hide_possible_values = true)]
        id: String,
    },
    /// Print a shell completion script.
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
    /// Print a man page (roff): ccauth(1), or with a command ccauth-<command>(1),
    /// the page the top one refers to for that command's options and exit codes.
    Man {
        /// The command whose page to print (doctor, status, why, …).
        command: Option<String>,
    },
}

/// A check id on the command line: any text is accepted here (the app
/// resolves old ids and names an unknown id together with the valid ones),
/// and the registry's ids, with their old ids as aliases, are offered to
/// shell completions.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CheckId;

impl clap::builder::TypedValueParser for CheckId {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        clap::builder::StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        let ids = crate::checks::CHECKS.iter().map(|c| {
            clap::builder::PossibleValue::new(c.id())
                .help(c.title())
                .aliases(crate::checks::aliases::old_ids_of(c.id()))
        });
        Some(Box::new(ids))
    }
}

const STATUS_EXIT_CODES: &str = "\
Exit codes (as `claude auth status`):
  0    a credential is in effect for `claude -p`
  1    not logged in
  2    usage error";

const WHY_HELP: &str = "\
The message can be the words on your screen, or a whole log on standard input
(any size: it is read as a stream, line by line and across wrapped lines, and
invalid UTF-8 does not stop it). The answer has three groups: the causes that
hold here, the causes only `--online` can tell, and the causes ruled out here.
The lines that showed each cause are quoted, secrets masked, newest last.

Ranking: every line showing one of a cause's messages adds its position in the
log (1 for the last line, 1/2 for the middle one), so a cause seen later, and
more often, ranks higher; then failures before warnings.

Examples:
  ccauth why \"Not logged in · Please run /login\"
  ccauth why \"--dangerously-skip-permissions cannot be used with root/sudo privileges for security reasons\"
  claude -p hi 2>&1 | ccauth why
  ccauth why < ci.log

Exit codes:
  0    no matching cause holds here (or no known cause matches)
  1    a matching cause holds here
  2    usage error, or no message at all";

const CALLBACK_HELP: &str = "\
Only http://localhost:<port>/callback, http://127.0.0.1:<port>/… and
http://[::1]:<port>/… URLs with one code and one state are delivered, with one
GET straight to this machine's loopback (never a proxy, no redirect followed).
The code and state are never printed.

Examples:
  ccauth callback 'http://localhost:43627/callback?code=…&state=…'
  ccauth callback            (then paste the URL and press Enter)

Exit codes:
  0    delivered, and Claude Code took the code
  1    delivered but refused, or nothing listens on that port
  2    the URL was refused before any network access";

/// Options of `ccauth callback`.
#[derive(Debug, Args)]
pub(crate) struct CallbackArgs {
    /// The URL from the browser's address bar; read from standard input when absent or `-`.
    pub(crate) url: Option<String>,
    /// Seconds to wait for the client's answer (it answers after exchanging
    /// the code), from 0.1 to 60.
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = parse_timeout)]
    pub(crate) timeout: std::time::Duration,
    /// Output format.
    #[arg(long, value_enum, default_value_t = StatusFormat::Human)]
    pub(crate) format: StatusFormat,
    /// Read /proc (listening sockets, their processes) under this root.
    #[arg(long, value_name = "DIR", env = "CCAUTH_SYSROOT", default_value = "/")]
    pub(crate) sysroot: PathBuf,
}

const REPORT_HELP: &str = "\
Examples:
  ccauth doctor --format json --output report.json
  ccauth report --from report.json --format github
  ccauth report --from report.json --format sarif --output ccauth.sarif

Exit codes (as the doctor that wrote the report):
  0    no check failed (warnings allowed unless --strict)
  1    at least one check failed (or warned, with --strict)
  2    usage error, or the file is not a report this ccauth reads";

/// Options of `ccauth report`.
#[derive(Debug, Args)]
pub(crate) struct ReportArgs {
    /// The JSON report `ccauth doctor --format json` wrote.
    #[arg(long, value_name = "FILE")]
    pub(crate) from: PathBuf,
    /// Output format; auto is human, plus GitHub annotations inside GitHub Actions.
    #[arg(long, value_enum, default_value_t = Format::Auto)]
    pub(crate) format: Format,
    /// Write the rendering to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// When to colour the human report.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub(crate) color: ColorChoice,
    /// Exit 1 on warnings too.
    #[arg(long)]
    pub(crate) strict: bool,
    /// Show passing checks' details and every check's evidence.
    #[arg(short, long)]
    pub(crate) verbose: bool,
}

/// Options of `ccauth why`.
#[derive(Debug, Args)]
pub(crate) struct WhyArgs {
    /// The message you see. Several words are joined with spaces, and a word
    /// starting with `--` that is not an option of `why` is text; read from
    /// standard input when absent or `-`.
    #[arg(value_name = "MESSAGE", allow_hyphen_values = true)]
    pub(crate) message: Option<String>,
    /// Where to look.
    #[command(flatten)]
    pub(crate) world: WorldArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = WhyFormat::Human)]
    pub(crate) format: WhyFormat,
    /// When to colour the human answer.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub(crate) color: ColorChoice,
    /// Also try the network, for the causes only a probe can tell.
    #[arg(long)]
    pub(crate) online: bool,
}

/// Output formats of `ccauth why`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum WhyFormat {
    /// The causes that hold, with the lines that showed them and the fix;
    /// then those only --online can tell, then those ruled out.
    Human,
    /// One JSON document (schema/why.schema.json), the causes ranked.
    Json,
}

/// Options of `ccauth status`.
#[derive(Debug, Args)]
pub(crate) struct StatusArgs {
    #[command(flatten)]
    pub(crate) view: ViewArgs,
}

/// Where to look and how to show it, for `status`.
#[derive(Debug, Args)]
pub(crate) struct ViewArgs {
    /// Where to look.
    #[command(flatten)]
    pub(crate) world: WorldArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = StatusFormat::Human)]
    pub(crate) format: StatusFormat,
    /// When to colour the human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub(crate) color: ColorChoice,
}

/// Options of `ccauth doctor`.
#[derive(Debug, Args)]
pub(crate) struct DoctorArgs {
    /// Where to look.
    #[command(flatten)]
    pub(crate) world: WorldArgs,
    /// Output format; auto is human, plus GitHub annotations inside GitHub Actions.
    ///
    /// For GitHub code scanning, write SARIF to a file and upload it with
    /// github/codeql-action/upload-sarif: `--format sarif --output ccauth.sarif`.
    #[arg(long, value_enum, default_value_t = Format::Auto)]
    pub(crate) format: Format,
    /// Write the report to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// Lower a check's failure to a warning for this run (comma-separated ids).
    #[arg(long = "warn", value_delimiter = ',', value_name = "ID", value_parser = CheckId, hide_possible_values = true)]
    pub(crate) warn_ids: Vec<String>,
    /// Accept a check's failure or warning for this run: it is reported as skipped.
    #[arg(long = "allow", value_delimiter = ',', value_name = "ID", value_parser = CheckId, hide_possible_values = true)]
    pub(crate) allow_ids: Vec<String>,
    /// Raise a check's warning to a failure for this run.
    #[arg(long = "deny", value_delimiter = ',', value_name = "ID", value_parser = CheckId, hide_possible_values = true)]
    pub(crate) deny_ids: Vec<String>,
    /// When to colour the human report (auto honours NO_COLOR, CLICOLOR_FORCE, CLICOLOR=0 and FORCE_COLOR).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub(crate) color: ColorChoice,
    /// Run only these checks (comma-separated ids).
    #[arg(long, value_delimiter = ',', value_name = "ID", value_parser = CheckId, hide_possible_values = true)]
    pub(crate) only: Vec<String>,
    /// Do not run these checks (comma-separated ids).
    #[arg(long, value_delimiter = ',', value_name = "ID", value_parser = CheckId, hide_possible_values = true)]
    pub(crate) skip: Vec<String>,
    /// Exit 1 on warnings too.
    #[arg(long)]
    pub(crate) strict: bool,
    /// Repair what is safe to repair, then check again. `--fix=ID,…` limits the
    /// repairs to those checks and also runs the ones that take your decision
    /// (api-key-approval, config-file).
    #[arg(long, value_name = "ID", num_args = 0.., value_delimiter = ',', require_equals = true,
          value_parser = CheckId, hide_possible_values = true)]
    pub(crate) fix: Option<Vec<String>>,
    /// Also probe the network: reach the sign-in hosts and try the credential
    /// once (sent only to api.anthropic.com or your ANTHROPIC_BASE_URL).
    #[arg(long)]
    pub(crate) online: bool,
    /// With --online: seconds each probe (and the apiKeyHelper) may take,
    /// from 0.1 to 60.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value = "3",
        value_parser = parse_timeout,
        requires = "online"
    )]
    pub(crate) timeout: std::time::Duration,
    /// With --fix: show each change as a unified diff and change nothing.
    #[arg(long, requires = "fix")]
    pub(crate) dry_run: bool,
    /// Show passing checks' details and every check's evidence.
    #[arg(short, long)]
    pub(crate) verbose: bool,
}

/// The shortest and longest `--timeout` accepted, in seconds.
const TIMEOUT_RANGE: std::ops::RangeInclusive<f64> = 0.1..=60.0;

/// `--timeout`: a finite number of seconds in [`TIMEOUT_RANGE`]. Anything else
/// (NaN, inf, zero, negative, huge) is a usage error, so clap exits 2 with a
/// message instead of the conversion panicking later.
fn parse_timeout(text: &str) -> Result<std::time::Duration, String> {
    let seconds: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("'{text}' is not a number of seconds"))?;
    if !TIMEOUT_RANGE.contains(&seconds) {
        return Err(format!(
            "{text} is outside {} to {} seconds",
            TIMEOUT_RANGE.start(),
            TIMEOUT_RANGE.end()
        ));
    }
    Ok(std::time::Duration::from_secs_f64(seconds))
}

/// Options that say which world to inspect; shared by every inspecting command.
#[derive(Debug, Args)]
pub(crate) struct WorldArgs {
    /// The workspace whose .devcontainer/ and .gitignore are inspected
    /// [default: the git top-level of the current directory, else the current directory]
    #[arg(long, value_name = "DIR")]
    pub(crate) workspace: Option<PathBuf>,
    /// Read system files (/.dockerenv, /proc/self/mountinfo, /etc/passwd, …) under this root.
    #[arg(long, value_name = "DIR", env = "CCAUTH_SYSROOT", default_value = "/")]
    pub(crate) sysroot: PathBuf,
    /// Who starts `claude` here, instead of what the evidence says: judge
    /// the world as if it were started that way [default: detected]
    #[arg(long, value_enum, value_name = "LAUNCHER")]
    pub(crate) launcher: Option<crate::gather::launcher::Launcher>,
}

/// Report formats of `ccauth doctor`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// human, plus GitHub annotations and a step summary when GITHUB_ACTIONS=true.
    Auto,
    /// Grouped, coloured text for people.
    Human,
    /// One JSON document (schema_version 1) for scripts and bug reports.
    Json,
    /// GitHub Actions ::error/::warning annotations (and the step summary).
    Github,
    /// A Markdown document to paste into an issue.
    Markdown,
    /// JUnit XML, one test case per check, for CI dashboards.
    Junit,
    /// SARIF 2.1.0, one result per problem on its file and line, for GitHub
    /// code scanning (upload it with github/codeql-action/upload-sarif).
    Sarif,
}

/// Output formats of `ccauth status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum StatusFormat {
    /// A table and two verdicts.
    Human,
    /// The same, as JSON mirroring `claude auth status --json`.
    Json,
}

/// Colour choices.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorChoice {
    /// Colour a terminal unless NO_COLOR or CLICOLOR=0 is set; FORCE_COLOR or
    /// CLICOLOR_FORCE colour even a pipe.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}
