#!/usr/bin/env node
// ccauth's npm entry point. The real program is a static binary shipped in one
// package per platform (ccauth-linux-x64, ccauth-linux-arm64), which npm
// installs as an optional dependency when its os and cpu fields match, the way
// Claude Code and @biomejs/biome ship theirs. This shim finds that binary and
// runs it with the same arguments and standard streams, then exits with its
// exit code, or dies of the same signal. No install script, no dependencies.
//
// CCAUTH_BINARY=/path/to/ccauth runs that binary instead (a local build, or a
// platform this package has no build for).
"use strict";

const { spawn } = require("node:child_process");

/** The platform packages, by Node's `${process.platform} ${process.arch}`. */
const PLATFORM_PACKAGES = {
  "linux x64": "ccauth-linux-x64",
  "linux arm64": "ccauth-linux-arm64",
};

/** Signals a terminal or a supervisor sends to us, passed on to ccauth. */
const FORWARDED_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"];

function fail(message) {
  process.stderr.write(`ccauth (npm): ${message}\n`);
  process.exit(127);
}

/** The binary to run: CCAUTH_BINARY, else the installed platform package's. */
function binaryPath() {
  const override = process.env.CCAUTH_BINARY;
  if (override) {
    return override;
  }
  const platform = `${process.platform} ${process.arch}`;
  const name = PLATFORM_PACKAGES[platform];
  if (!name) {
    fail(
      `no build for ${platform}. The builds are static Linux binaries for x64 and arm64, ` +
        `for any libc (glibc or musl); run ccauth inside the Linux container, or set ` +
        `CCAUTH_BINARY to a ccauth binary.`,
    );
  }
  try {
    return require.resolve(`${name}/ccauth`);
  } catch {
    fail(
      `the package ${name}, which carries the binary for ${platform}, is not installed. ` +
        `npm skips it when optional dependencies are omitted (--omit=optional, ` +
        `--no-optional) or when os/cpu do not match; reinstall without that, or set ` +
        `CCAUTH_BINARY to a ccauth binary.`,
    );
  }
}

function run() {
  const binary = binaryPath();
  const child = spawn(binary, process.argv.slice(2), { stdio: "inherit" });
  const forward = (signal) => child.kill(signal);
  for (const signal of FORWARDED_SIGNALS) {
    process.on(signal, forward);
  }
  child.on("error", (error) => fail(`cannot run ${binary}: ${error.message}`));
  child.on("exit", (code, signal) => {
    if (signal) {
      for (const s of FORWARDED_SIGNALS) {
        process.removeListener(s, forward);
      }
      process.kill(process.pid, signal);
      return;
    }
    process.exit(code);
  });
}

run();
