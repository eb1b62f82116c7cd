//! Terraform working directories for integration tests.
//!
//! [`Workspace::new`] writes the config into a temporary directory and a temporary
//! `TF_CLI_CONFIG_FILE` whose `dev_overrides` point `secbaseline/secbaseline` at the freshly
//! built provider binary, so no `terraform init` is needed (init itself fails under
//! dev_overrides). [`Workspace::with_mirror_files`] instead lays the binary out as a
//! `filesystem_mirror` and runs `terraform init`, for configs that need init (modules,
//! backends).
//!
//! The Terraform binary is `$TERRAFORM` (e.g. `tofu`) or `terraform` on the PATH.
//! The machine's own `TF_CLI_CONFIG_FILE`, `TF_CLI_ARGS*` etc. are never used.

use std::fs;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

use super::emulator::Emulator;

/// Provider source address, as users write it.
pub const PROVIDER_SOURCE: &str = "secbaseline/secbaseline";
/// The version a mirror workspace serves (the crate's version).
pub const PROVIDER_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The provider binary cargo built for this test run.
pub fn provider_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_terraform-provider-secbaseline"))
}

/// The Terraform CLI: `$TERRAFORM` or `terraform`, resolved on the PATH; panics if absent.
pub fn terraform_binary() -> PathBuf {
    let wanted = std::env::var("TERRAFORM").unwrap_or_else(|_| "terraform".to_string());
    let candidate = PathBuf::from(&wanted);
    if candidate.components().count() > 1 {
        if candidate.is_file() {
            return candidate;
        }
    } else if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            let p = dir.join(&wanted);
            if p.is_file() {
                return p;
            }
        }
    }
    panic!(
        "Terraform CLI `{wanted}` not found (from $TERRAFORM, default `terraform` on the PATH).\n\
         Install Terraform 1.11, or set TERRAFORM=/path/to/terraform (or tofu)."
    );
}

/// What one CLI run produced.
#[derive(Debug)]
pub struct Output {
    pub args: Vec<String>,
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
    pub millis: u128,
    /// True when a bounded run hit its time limit and was killed (with its process group).
    pub timed_out: bool,
}

impl Output {
    pub fn success(&self) -> bool {
        self.status.success()
    }

    /// Exit code (-1 if killed by a signal).
    pub fn code(&self) -> i32 {
        self.status.code().unwrap_or(-1)
    }

    /// Panics, showing everything, unless the command succeeded.
    #[track_caller]
    pub fn assert_success(&self) -> &Self {
        assert!(self.success(), "expected success:\n{self}");
        self
    }

    /// Panics, showing everything, unless the command failed.
    #[track_caller]
    pub fn assert_failure(&self) -> &Self {
        assert!(!self.success(), "expected failure:\n{self}");
        self
    }

    /// stdout followed by stderr, for `contains` checks on messages wherever Terraform put them.
    pub fn combined(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }

    /// Lines of `-json` output (machine-readable UI), skipping any non-JSON line.
    pub fn json_lines(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .collect()
    }
}

impl std::fmt::Display for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "$ terraform {}\n({}{}, {} ms)\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.args.join(" "),
            self.status,
            if self.timed_out {
                ", TIMED OUT and killed"
            } else {
                ""
            },
            self.millis,
            self.stdout,
            self.stderr
        )
    }
}

/// A temporary Terraform working directory; removed on drop.
pub struct Workspace {
    root: TempDir,
    dir: PathBuf,
    terraform: PathBuf,
    env: Vec<(String, String)>,
    mirror: bool,
}

impl Workspace {
    /// A dev_overrides workspace with `main.tf` = `main_tf`, AWS pointed at `emulator`.
    /// No `terraform init` is run (modules need [`Workspace::with_mirror_files`]).
    pub fn new(emulator: &Emulator, main_tf: &str) -> Workspace {
        Workspace::build(Some(emulator), main_tf, false)
    }

    /// A workspace that installs the provider from a filesystem mirror and runs
    /// `terraform init` (for configs with modules or backends), with `files` (e.g. `main.tf`
    /// plus `modules/x/main.tf`) all written before `terraform init` runs.
    pub fn with_mirror_files(emulator: &Emulator, files: &[(&str, &str)]) -> Workspace {
        let ws = Workspace::build(Some(emulator), "", true);
        let _ = fs::remove_file(ws.dir.join("main.tf"));
        for (name, content) in files {
            ws.write(name, content);
        }
        ws.init();
        ws
    }

    /// [`Workspace::with_mirror_files`] with no emulator (AWS at a closed port): for
    /// configs with modules that never call AWS, such as provider-function tests.
    pub fn offline_with_mirror_files(files: &[(&str, &str)]) -> Workspace {
        let ws = Workspace::build(None, "", true);
        let _ = fs::remove_file(ws.dir.join("main.tf"));
        for (name, content) in files {
            ws.write(name, content);
        }
        ws.init();
        ws
    }

    /// A dev_overrides workspace with no emulator: AWS points at a closed loopback port, so
    /// nothing can reach real AWS (for validate-time and plan-only tests).
    pub fn offline(main_tf: &str) -> Workspace {
        Workspace::build(None, main_tf, false)
    }

    /// A dev_overrides workspace with no AWS at all: no AWS variable, no credentials or
    /// config file (HOME is an empty directory), no endpoint — as a CI job that only has the
    /// plan file runs Terraform.
    pub fn without_aws(main_tf: &str) -> Workspace {
        let mut ws = Workspace::build(None, main_tf, false);
        ws.env.retain(|(k, _)| !k.starts_with("AWS_"));
        let home = ws.root.path().join("home");
        fs::create_dir_all(&home).expect("creating an empty HOME");
        ws.set_env("HOME", &home.display().to_string());
        ws
    }

    fn build(emulator: Option<&Emulator>, main_tf: &str, mirror: bool) -> Workspace {
        let terraform = terraform_binary();
        let root = tempfile::Builder::new()
            .prefix("secbaseline-tf-")
            .tempdir()
            .expect("creating a temporary directory");
        let dir = root.path().join("work");
        fs::create_dir_all(&dir).expect("creating the working directory");
        fs::write(dir.join("main.tf"), main_tf).expect("writing main.tf");

        let binary = provider_binary();
        let cli_config = root.path().join("terraform.rc");
        let config = if mirror {
            let mirror_dir = root.path().join("mirror");
            let (os, arch) = platform();
            let pkg = mirror_dir
                .join("registry.terraform.io")
                .join(PROVIDER_SOURCE)
                .join(PROVIDER_VERSION)
                .join(format!("{os}_{arch}"));
            fs::create_dir_all(&pkg).expect("creating the mirror layout");
            let target = pkg.join(format!(
                "terraform-provider-secbaseline_v{PROVIDER_VERSION}"
            ));
            // A copy, not a link: the lock file hashes what init saw, and a later cargo build
            // must not change a running workspace under Terraform's feet.
            fs::copy(&binary, &target)
                .unwrap_or_else(|e| panic!("copying {} into the mirror: {e}", binary.display()));
            format!(
                "provider_installation {{\n  filesystem_mirror {{\n    path    = {}\n    include = [\"registry.terraform.io/{PROVIDER_SOURCE}\"]\n  }}\n  direct {{\n    exclude = [\"registry.terraform.io/{PROVIDER_SOURCE}\"]\n  }}\n}}\n",
                hcl_string(&mirror_dir)
            )
        } else {
            let bin_dir = binary
                .parent()
                .expect("the provider binary has a directory");
            format!(
                "provider_installation {{\n  dev_overrides {{\n    \"{PROVIDER_SOURCE}\" = {}\n  }}\n  direct {{}}\n}}\n",
                hcl_string(bin_dir)
            )
        };
        fs::write(&cli_config, config).expect("writing the CLI config");

        let mut env: Vec<(String, String)> = vec![
            (
                "TF_CLI_CONFIG_FILE".into(),
                cli_config.display().to_string(),
            ),
            ("CHECKPOINT_DISABLE".into(), "1".into()),
            ("TF_IN_AUTOMATION".into(), "1".into()),
            ("TF_INPUT".into(), "0".into()),
        ];
        match emulator {
            Some(emu) => env.extend(emu.aws_env().into_iter().map(|(k, v)| (k.to_string(), v))),
            None => {
                env.extend([
                    (
                        "AWS_ENDPOINT_URL".to_string(),
                        "http://127.0.0.1:9".to_string(),
                    ),
                    ("AWS_ACCESS_KEY_ID".into(), "testing".into()),
                    ("AWS_SECRET_ACCESS_KEY".into(), "testing".into()),
                    ("AWS_REGION".into(), "us-east-1".into()),
                    ("AWS_DEFAULT_REGION".into(), "us-east-1".into()),
                    ("AWS_EC2_METADATA_DISABLED".into(), "true".into()),
                    ("AWS_CONFIG_FILE".into(), "/dev/null".into()),
                    ("AWS_SHARED_CREDENTIALS_FILE".into(), "/dev/null".into()),
                ]);
            }
        }
        Workspace {
            root,
            dir,
            terraform,
            env,
            mirror,
        }
    }

    /// The working directory (holds main.tf and the state).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Adds or replaces an environment variable for every later command (e.g. `TF_LOG`).
    pub fn set_env(&mut self, key: &str, value: &str) {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.to_string(), value.to_string()));
    }

    /// Writes (or overwrites) a file in the working directory, e.g. a new `main.tf`.
    pub fn write(&self, file: &str, content: &str) {
        let path = self.dir.join(file);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("creating parent directories");
        }
        fs::write(&path, content).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
    }

    /// Runs `terraform <args>` in the working directory; never panics on a non-zero exit.
    pub fn run(&self, args: &[&str]) -> Output {
        run_to_end(self.command(args), args)
    }

    /// Starts `terraform <args>` in the background, in a process group of its own (so the
    /// provider processes it starts can be found and killed with it). Output goes to files.
    pub fn spawn(&self, args: &[&str]) -> Running {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let out_path = self.root.path().join(format!("run-{n}.stdout"));
        let err_path = self.root.path().join(format!("run-{n}.stderr"));
        let mut cmd = self.command(args);
        cmd.process_group(0)
            .stdout(fs::File::create(&out_path).expect("creating the stdout file"))
            .stderr(fs::File::create(&err_path).expect("creating the stderr file"));
        let started = Instant::now();
        let child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("starting {} {args:?}: {e}", self.terraform.display()));
        Running {
            child,
            args: args.iter().map(|s| s.to_string()).collect(),
            out_path,
            err_path,
            started,
        }
    }

    /// `terraform <args>` bounded by `limit`: on expiry Terraform and every process it started
    /// are killed and the output says `timed_out` (a hang fails the test instead of CI).
    pub fn run_bounded(&self, args: &[&str], limit: Duration) -> Output {
        self.spawn(args).wait_bounded(limit)
    }

    /// Runs `bash <script> <args>` in the working directory, with this workspace's environment
    /// plus `env` and `TERRAFORM` naming the binary under test: for the examples' scripts.
    pub fn run_script(&self, script: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
        let all_args = [&[script], args].concat();
        let mut cmd = self.command_of(Path::new("bash"), &all_args);
        cmd.env("TERRAFORM", &self.terraform)
            .envs(env.iter().copied());
        run_to_end(cmd, &all_args)
    }

    fn command(&self, args: &[&str]) -> Command {
        self.command_of(&self.terraform, args)
    }

    /// `program <args>` in the working directory, with the machine's Terraform and AWS
    /// settings removed and this workspace's environment set.
    fn command_of(&self, program: &Path, args: &[&str]) -> Command {
        let mut cmd = Command::new(program);
        cmd.args(args).current_dir(&self.dir).stdin(Stdio::null());
        for (key, _) in std::env::vars_os() {
            let key = key.to_string_lossy().into_owned();
            // The machine's Terraform and AWS settings must not leak into the tests.
            if key.starts_with("TF_CLI_ARGS")
                || matches!(
                    key.as_str(),
                    "TF_WORKSPACE" | "TF_DATA_DIR" | "TF_PLUGIN_CACHE_DIR" | "TF_CLI_CONFIG_FILE"
                )
            {
                cmd.env_remove(&key);
            }
        }
        for var in Emulator::aws_env_removed() {
            cmd.env_remove(var);
        }
        cmd.envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        cmd
    }

    /// `terraform init` (mirror workspaces only; dev_overrides needs none). Panics on failure.
    pub fn init(&self) -> Output {
        assert!(
            self.mirror,
            "init is only for with_mirror workspaces (dev_overrides refuse it)"
        );
        let out = self.run(&["init", "-input=false", "-no-color"]);
        out.assert_success();
        out
    }

    /// `terraform plan`; returns whatever happened.
    pub fn plan(&self) -> Output {
        self.run(&["plan", "-input=false", "-no-color"])
    }

    /// `terraform plan -detailed-exitcode`: 0 = no changes, 2 = changes; panics on errors (1).
    #[track_caller]
    pub fn plan_detailed_exitcode(&self) -> i32 {
        let out = self.run(&["plan", "-input=false", "-no-color", "-detailed-exitcode"]);
        match out.code() {
            0 | 2 => out.code(),
            _ => panic!("plan -detailed-exitcode failed:\n{out}"),
        }
    }

    /// Panics, showing the plan, unless a plan shows no changes (apply/import idempotence).
    #[track_caller]
    pub fn assert_no_changes(&self) {
        let out = self.run(&["plan", "-input=false", "-no-color", "-detailed-exitcode"]);
        assert!(out.code() == 0, "expected no changes:\n{out}");
    }

    /// `terraform plan -out` + `show -json` of that plan (the plan JSON). Panics on failure.
    pub fn plan_json(&self) -> serde_json::Value {
        self.run(&["plan", "-input=false", "-no-color", "-out=tfplan"])
            .assert_success();
        let out = self.run(&["show", "-json", "-no-color", "tfplan"]);
        out.assert_success();
        serde_json::from_str(&out.stdout)
            .unwrap_or_else(|e| panic!("plan JSON is not JSON ({e}):\n{out}"))
    }

    /// `terraform apply -auto-approve`; returns whatever happened.
    pub fn apply(&self) -> Output {
        self.run(&["apply", "-auto-approve", "-input=false", "-no-color"])
    }

    /// `terraform apply -auto-approve -json`: see [`Output::json_lines`] / [`Output::diagnostics`].
    pub fn apply_json(&self) -> Output {
        self.run(&["apply", "-auto-approve", "-input=false", "-json"])
    }

    /// `terraform destroy -auto-approve`; returns whatever happened.
    pub fn destroy(&self) -> Output {
        self.run(&["destroy", "-auto-approve", "-input=false", "-no-color"])
    }

    /// `terraform import <addr> <id>`; returns whatever happened.
    pub fn import(&self, addr: &str, id: &str) -> Output {
        self.run(&["import", "-input=false", "-no-color", addr, id])
    }

    /// `terraform show -json` of the current state. Panics on failure.
    pub fn show_json(&self) -> serde_json::Value {
        let out = self.run(&["show", "-json", "-no-color"]);
        out.assert_success();
        serde_json::from_str(&out.stdout)
            .unwrap_or_else(|e| panic!("show -json is not JSON ({e}):\n{out}"))
    }

    /// `terraform output -json <name>`: the output's value. Panics on failure.
    pub fn output_json(&self, name: &str) -> serde_json::Value {
        let out = self.run(&["output", "-json", "-no-color", name]);
        out.assert_success();
        serde_json::from_str(&out.stdout)
            .unwrap_or_else(|e| panic!("output -json {name} is not JSON ({e}):\n{out}"))
    }
}

/// A `terraform` process started by [`Workspace::spawn`], leading its own process group.
pub struct Running {
    child: Child,
    args: Vec<String>,
    out_path: PathBuf,
    err_path: PathBuf,
    started: Instant,
}

impl Running {
    /// Terraform's process ID, which is also its process group's ID.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends `signal` (e.g. "INT", "KILL") to Terraform alone, as a terminal's Ctrl-C would
    /// not: the providers it started only learn of it from Terraform.
    pub fn signal(&self, signal: &str) {
        send_signal(signal, &self.pid().to_string());
    }

    /// Whether Terraform has exited.
    pub fn exited(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(Some(_)))
    }

    /// Waits up to `limit`; on expiry kills the whole process group. Returns the output.
    pub fn wait_bounded(mut self, limit: Duration) -> Output {
        let deadline = self.started + limit;
        let mut timed_out = false;
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if Instant::now() >= deadline => {
                    timed_out = true;
                    kill_group(self.pid());
                    break self.child.wait().expect("waiting for the killed terraform");
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(50)),
                Err(e) => panic!("waiting for terraform: {e}"),
            }
        };
        Output {
            args: self.args.clone(),
            status,
            stdout: fs::read_to_string(&self.out_path).unwrap_or_default(),
            stderr: fs::read_to_string(&self.err_path).unwrap_or_default(),
            millis: self.started.elapsed().as_millis(),
            timed_out,
        }
    }
}

/// `kill -<signal> <target>`; a target of `-PGID` signals a whole process group.
fn send_signal(signal: &str, target: &str) {
    let _ = Command::new("kill")
        .args([format!("-{signal}").as_str(), "--", target])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// Runs `cmd` to its end; never panics on a non-zero exit.
fn run_to_end(mut cmd: Command, args: &[&str]) -> Output {
    let started = Instant::now();
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("running {:?} {args:?}: {e}", cmd.get_program()));
    Output {
        args: args.iter().map(|s| s.to_string()).collect(),
        status: out.status,
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        millis: started.elapsed().as_millis(),
        timed_out: false,
    }
}

/// SIGKILLs every process of the group `pgid` (Terraform and the providers it started).
pub fn kill_group(pgid: u32) {
    send_signal("KILL", &format!("-{pgid}"));
}

/// The live processes of process group `pgid`, from /proc (zombies excluded).
pub fn group_members(pgid: u32) -> Vec<u32> {
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let stat = fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            // Fields after the parenthesised command: state, ppid, pgrp, …
            let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or_default();
            let fields: Vec<&str> = rest.split_whitespace().collect();
            fields.first() != Some(&"Z") && fields.get(2) == Some(&pgid.to_string().as_str())
        })
        .collect()
}

/// Terraform's platform name for this machine, e.g. ("linux", "amd64").
fn platform() -> (&'static str, &'static str) {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        "arm" => "arm",
        other => other,
    };
    (std::env::consts::OS, arch)
}

/// A path as an HCL string literal.
fn hcl_string(path: &Path) -> String {
    serde_json::Value::String(path.display().to_string()).to_string()
}
