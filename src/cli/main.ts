import { isUserError } from '../errors/index.js';
import { VERSION } from '../version.js';
import { runAssess, ASSESS_HELP } from './assess.js';
import { runDemo, DEMO_HELP } from './demo.js';

const COMMANDS: Record<string, { run: (argv: string[]) => Promise<number>; help: string; summary: string }> = {
  assess: { run: runAssess, help: ASSESS_HELP, summary: 'metrics per group and cohort, fairness disparities with confidence intervals, report' },
  demo: { run: runDemo, help: DEMO_HELP, summary: 'generate a synthetic loan dataset with planted issues and assess it' },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    `candor ${VERSION} — find where a model fails and whom it fails`,
    '',
    'Usage: candor <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Run "candor <command> --help" for a command\'s options.',
  ].join('\n');
}

/** The `candor` command line. Returns the exit code: 0 ok, 1 internal error, 2 a problem with the input. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    const topic = command === 'help' ? rest[0] : undefined;
    process.stdout.write(`${topic && COMMANDS[topic] ? COMMANDS[topic].help : usage()}\n`);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === '-v') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const entry = COMMANDS[command];
  if (!entry) {
    process.stderr.write(`candor: unknown command "${command}"; commands are ${Object.keys(COMMANDS).join(', ')} (see candor --help)\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${entry.help}\n`);
    return 0;
  }
  try {
    return await entry.run(rest);
  } catch (e) {
    if (isUserError(e)) {
      process.stderr.write(`candor ${command}: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`candor ${command}: internal error (please report it with the command you ran)\n${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}
