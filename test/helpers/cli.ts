import { spawn, type ChildProcess, type ChildProcessByStdio } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { afterAll } from 'vitest';

/** Every process started and not yet exited: a test that fails before stopping its server must not leave it running. */
const running = new Set<ChildProcess>();
afterAll(() => {
  for (const child of running) child.kill('SIGKILL');
});

const CLI = [process.execPath, '--import', 'tsx', 'src/cli.ts'];

/** The command line as a user runs it: a real process, real flags, real signals; stdout and stderr are pipes. */
export function runCli(args: string[], env: Record<string, string> = {}) {
  return watch(spawn(CLI[0] ?? 'node', [...CLI.slice(1), ...args], { env: cliEnv(env), stdio: ['ignore', 'pipe', 'pipe'] }));
}

/**
 * The command line with a terminal for stdout, as a person starts it:
 * util-linux's `script` runs it on a pseudo-terminal and copies what it
 * prints (stdout and stderr both) to its own stdout.
 */
export function runCliInTerminal(args: string[], env: Record<string, string> = {}) {
  const command = [...CLI, ...args].map((word) => `'${word.replaceAll("'", `'\\''`)}'`).join(' ');
  return watch(spawn('script', ['--quiet', '--return', '--command', command, '/dev/null'], { env: cliEnv(env), stdio: ['ignore', 'pipe', 'pipe'] }));
}

function cliEnv(env: Record<string, string>): Record<string, string> {
  return { PATH: process.env['PATH'] ?? '', LOG_LEVEL: 'info', ...env };
}

function watch(child: ChildProcessByStdio<null, Readable, Readable>) {
  running.add(child);
  child.once('exit', () => running.delete(child));
  const lines: string[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => lines.push(line.replace(/\r$/, '')));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitForLine = async (pattern: RegExp, ms = 20_000): Promise<string> => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const line = lines.find((l) => pattern.test(l));
      if (line) return line;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no line matching ${pattern} in:\n${lines.join('\n')}\n${stderr}`);
  };
  return { child, lines, exited, waitForLine, stderr: () => stderr };
}

export type CliProcess = ReturnType<typeof runCli>;
