//! `config-location`: HOME and CLAUDE_CONFIG_DIR must point where you think.

use super::{Category, Check, Finding, Place, Problem, launch};
use crate::gather::{Context, system};
use std::path::Path;

/// Judges HOME, the passwd home and CLAUDE_CONFIG_DIR.
pub(crate) struct ConfigLocation;

impl Check for ConfigLocation {
    fn id(&self) -> &'static str {
        "config-location"
    }

    fn title(&self) -> &'static str {
        "HOME and CLAUDE_CONFIG_DIR point where you think"
    }

    fn category(&self) -> Category {
        Category::Container
    }

    fn doc(&self) -> &'static str {
        include_str!("../../checks/config-location.md")
    }

    fn run(&self, ctx: &Context) -> Finding {
        let mut problems: Vec<Problem> = Vec::new();
        home_problems(ctx, &mut problems);
        config_dir_problems(ctx, &mut problems);
        if ctx.cwd.join("~").is_dir() {
            problems.push(Problem::warn(
                "tilde-directory",
                format!(
                    "{} contains a directory literally named ~: something used \"~\" where no shell expanded it, \
                     so Claude Code state may have been written there instead of your home.",
                    ctx.cwd.display()
                ),
                "Look inside it, move what belongs to your home, and use $HOME or an absolute path in \
                 devcontainer.json and scripts."
                    .to_string(),
            ).at(Place::file(ctx.cwd.join("~"))));
        }
        let evidence = serde_json::json!({
            "home": ctx.env.get("HOME"),
            "passwd_home": ctx.user.passwd_home,
            "claude_config_dir": ctx.env.get("CLAUDE_CONFIG_DIR"),
            "config_dir": ctx.paths.config_dir,
        });
        let Some(finding) = Finding::from_problems(problems) else {
            let dir = ctx
                .paths
                .config_dir
                .as_ref()
                .map_or("?".to_string(), |d| d.display().to_string());
            return Finding::pass(format!("HOME and the config dir ({dir}) are sound."))
                .with("paths", evidence);
        };
        finding.with("paths", evidence)
    }
}

fn home_problems(ctx: &Context, problems: &mut Vec<Problem>) {
    let passwd = ctx.user.passwd_home.as_deref();
    let set_user = &format!(
        "Run claude as a user with a passwd entry and a home: {}; or set HOME to that user's real home: {}.",
        launch::run_as_user(&ctx.launch, "<user>"),
        launch::set_env_value(&ctx.launch, "HOME", "/home/<user>")
    );
    match ctx.env.non_empty("HOME") {
        None => match passwd {
            Some(p) => problems.push(Problem::warn(
                "home-unset",
                format!("HOME is not set; the client falls back to the passwd home, {}.", p.display()),
                set_user.to_string(),
            )),
            None => problems.push(Problem::fail(
                "no-home",
                format!(
                    "HOME is not set and uid {} has no /etc/passwd entry: the client has no home to keep its \
                     config and login in.",
                    ctx.user.uid
                ),
                set_user.to_string(),
            )),
        },
        Some("/") => problems.push(Problem::fail(
            "home-is-root",
            "HOME is /: the client writes /.claude.json and /.claude, usually unwritable and shared by every user \
             (typical of `docker exec -u <uid>` for a uid with no passwd entry)."
                .to_string(),
            set_user.to_string(),
        )),
        Some(home) => {
            let home = Path::new(home);
            if home == ctx.cwd && passwd != Some(home) {
                problems.push(Problem::warn(
                    "home-is-workspace",
                    format!("HOME is the working directory ({}): .claude.json and .claude/ land in the project.", home.display()),
                    set_user.to_string(),
                ));
            }
            // A CI job gives every step the same HOME (a GitHub Actions
            // container job sets /github/home, actions/runner#863): no
            // session is started another way there.
            let one_home_for_every_step = ctx.launch.is_ci();
            if let Some(p) = passwd.filter(|p| *p != home && !one_home_for_every_step) {
                problems.push(Problem::warn(
                    "home-differs-from-passwd",
                    format!(
                        "HOME is {} but /etc/passwd gives uid {} the home {}: tools that ignore HOME (and sessions \
                         started another way) look for Claude Code's files in a different place.",
                        home.display(),
                        ctx.user.uid,
                        p.display()
                    ),
                    "Make them agree: run as the user whose home this is, or set HOME to the passwd home.".to_string(),
                ).at(Place::file(system::under(&ctx.sysroot, "/etc/passwd")).key(format!("uid {}", ctx.user.uid))));
            }
            match &ctx.meta.home {
                None => problems.push(Problem::fail(
                    "home-missing",
                    format!("HOME ({}) does not exist.", home.display()),
                    format!("Create it and give it to uid {}: mkdir -p {}", ctx.user.uid, home.display()),
                ).at(Place::file(home))),
                Some(meta) if meta.uid == ctx.user.uid && !meta.writable => problems.push(Problem::fail(
                    "home-not-writable",
                    format!(
                        "HOME ({}) is not writable: the client writes ~/.claude.json and its lock there.",
                        home.display()
                    ),
                    "Make HOME writable (chmod u+w, or mount it read-write); keep read-only mounts to subdirectories."
                        .to_string(),
                ).at(Place::file(home))),
                _ => {}
            }
        }
    }
}

fn config_dir_problems(ctx: &Context, problems: &mut Vec<Problem>) {
    let Some(value) = ctx.env.get("CLAUDE_CONFIG_DIR") else {
        return;
    };
    let fix = &format!(
        "Set CLAUDE_CONFIG_DIR to the absolute path of a mounted, writable directory: {}.",
        launch::set_env_value(&ctx.launch, "CLAUDE_CONFIG_DIR", "/absolute/path")
    );
    if value.is_empty() {
        problems.push(Problem::warn(
            "config-dir-empty",
            "CLAUDE_CONFIG_DIR is set but empty: the client ignores it and uses ~/.claude (and ~/.claude.json), \
             probably not the volume you meant."
                .to_string(),
            fix.to_string(),
        ));
    } else if value.starts_with('~') {
        problems.push(Problem::fail(
            "config-dir-tilde",
            format!(
                "CLAUDE_CONFIG_DIR is {value:?}: no shell expands ~ in a variable set through containerEnv, Docker \
                 or JSON, so the client uses a directory literally named ~ under the working directory."
            ),
            fix.to_string(),
        ));
    } else if !Path::new(value).is_absolute() {
        problems.push(Problem::fail(
            "config-dir-relative",
            format!("CLAUDE_CONFIG_DIR is the relative path {value:?}: it changes with the directory claude starts in."),
            fix.to_string(),
        ));
    } else if ctx.meta.config_dir.is_none() {
        problems.push(Problem::warn(
            "config-dir-missing",
            format!(
                "CLAUDE_CONFIG_DIR is {value}, which does not exist: no login, settings or config is there yet. If a \
                 volume should be mounted there, it is not."
            ),
            fix.to_string(),
        ).at(Place::file(value)));
    }
}
