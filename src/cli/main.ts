import { isUserError } from '../errors/index.js';
import { VERSION } from '../version.js';

interface Command {
  summary: string;
  /** Loaded on use, so `candor --help` and each verb pay only for their own modules. */
  load: () => Promise<{ run: (argv: string[]) => Promise<number>; help: string }>;
  /** Its first argument names a subcommand whose own help `--help` asks for (`mitigate reduce --help`). */
  subcommands?: readonly string[];
}

const COMMANDS: Record<string, Command> = {
  assess: {
    summary: 'metrics per group and cohort, fairness disparities with confidence intervals, report',
    load: async () => {
      const m = await import('./assess.js');
      return { run: m.runAssess, help: m.ASSESS_HELP };
    },
  },
  train: {
    summary: 'fit a built-in model (gradient boosting, logistic, tree or linear regression) and write it as ONNX',
    load: async () => {
      const m = await import('./train.js');
      return { run: m.runTrain, help: m.TRAIN_HELP };
    },
  },
  predict: {
    summary: 'score a data file with an ONNX, XGBoost or HTTP model and write the predictions',
    load: async () => {
      const m = await import('./predict.js');
      return { run: m.runPredict, help: m.PREDICT_HELP };
    },
  },
  errors: {
    summary: 'find the cohorts where the model fails: error tree, heat map, worst cohorts',
    load: async () => {
      const m = await import('./errors.js');
      return { run: m.runErrors, help: m.ERRORS_HELP };
    },
  },
  explain: {
    summary: 'what drives a model: permutation importance, partial dependence and ICE',
    load: async () => {
      const m = await import('./explain.js');
      return { run: m.runExplain, help: m.EXPLAIN_HELP };
    },
  },
  compare: {
    summary: 'models side by side per cohort and group, with paired intervals and backward compatibility',
    load: async () => {
      const m = await import('./compare.js');
      return { run: m.runCompare, help: m.COMPARE_HELP };
    },
  },
  gate: {
    summary: 'check a release against value and change thresholds; exit 1 when any fails',
    load: async () => {
      const m = await import('./gate.js');
      return { run: m.runGate, help: m.GATE_HELP };
    },
  },
  mitigate: {
    subcommands: ['postprocess', 'reduce', 'reweigh', 'resample', 'correlation-remover', 'cohort-model'],
    summary: 'fix unfairness or a failing cohort: group thresholds, fairness-constrained training, reweighing, resampling',
    load: async () => {
      const m = await import('./mitigate.js');
      return { run: m.runMitigate, help: m.MITIGATE_HELP };
    },
  },
  runs: {
    summary: 'the run store: list, show, diff and tabulate tracked runs (--track on assess, compare, mitigate); tag and name them',
    load: async () => {
      const m = await import('./runs.js');
      return { run: m.runRuns, help: m.RUNS_HELP };
    },
  },
  serve: {
    summary: 'the interactive dashboard: cohorts, metrics, fairness, errors, explanations and what-if in the browser',
    load: async () => {
      const m = await import('./serve.js');
      return { run: m.runServe, help: m.SERVE_HELP };
    },
  },
  demo: {
    summary: 'train a model on synthetic loans with planted problems, assess it through ONNX, write a report',
    load: async () => {
      const m = await import('./demo.js');
      return { run: m.runDemo, help: m.DEMO_HELP };
    },
  },
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
  // Piped into `head` or a pager that quit: stop quietly, as Unix tools do.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    const topic = command === 'help' ? rest[0] : undefined;
    process.stdout.write(`${topic && COMMANDS[topic] ? (await COMMANDS[topic].load()).help : usage()}\n`);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === '-v') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const known = COMMANDS[command];
  if (!known) {
    process.stderr.write(`candor: unknown command "${command}"; commands are ${Object.keys(COMMANDS).join(', ')} (see candor --help)\n`);
    return 2;
  }
  const entry = await known.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    // `candor mitigate reduce --help` is the method's help: the verb answers `help <method>`.
    const sub = rest[0];
    if (known.subcommands?.includes(sub)) return entry.run(['help', sub]);
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
