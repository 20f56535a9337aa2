import { didYouMean, userError } from '../errors/index.js';

interface Subcommand {
  summary: string;
  /** Loaded on use: each subcommand pays only for its own modules. */
  load: () => Promise<{ run: (argv: string[]) => Promise<number>; help: string }>;
}

const SUBCOMMANDS: Record<string, Subcommand> = {
  postprocess: {
    summary: 'group-specific thresholds on a score (threshold optimizer): demographic parity, equalized odds, TPR/FPR parity; multiclass selection-rate parity',
    load: async () => {
      const m = await import('./mitigate-postprocess.js');
      return { run: m.runMitigatePostprocess, help: m.MITIGATE_POSTPROCESS_HELP };
    },
  },
  reduce: {
    summary: 'fairness-constrained re-training (exponentiated gradient, grid search) with the built-in learners, exported to ONNX',
    load: async () => {
      const m = await import('./mitigate-reduce.js');
      return { run: m.runMitigateReduce, help: m.MITIGATE_REDUCE_HELP };
    },
  },
  reweigh: {
    summary: 'sample weights making the label independent of the group (Kamiran & Calders), optionally inside a cohort',
    load: async () => {
      const m = await import('./mitigate-data.js');
      return { run: m.runMitigateReweigh, help: m.MITIGATE_DATA_HELP };
    },
  },
  resample: {
    summary: 'random over- and under-sampling or SMOTE per group or cohort',
    load: async () => {
      const m = await import('./mitigate-data.js');
      return { run: m.runMitigateResample, help: m.MITIGATE_DATA_HELP };
    },
  },
  'correlation-remover': {
    summary: 'remove the features\' linear correlation with the sensitive feature (Fairlearn\'s CorrelationRemover, alpha)',
    load: async () => {
      const m = await import('./mitigate-data.js');
      return { run: m.runMitigateCorrelationRemover, help: m.MITIGATE_DATA_HELP };
    },
  },
  'cohort-model': {
    summary: 'train a separate model for a cohort and combine the two at predict time',
    load: async () => {
      const m = await import('./mitigate-data.js');
      return { run: m.runMitigateCohortModel, help: m.MITIGATE_DATA_HELP };
    },
  },
};

function list(): string {
  const width = Math.max(...Object.keys(SUBCOMMANDS).map((c) => c.length));
  return Object.entries(SUBCOMMANDS)
    .map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`)
    .join('\n');
}

export const MITIGATE_HELP = `Usage: candor mitigate <method> DATA --label L --sensitive A [options]

Fixes unfairness and failing cohorts, and shows what it cost: each method writes its artifact
(mitigation.json, a model or a data file) and, with --report DIR, a before/after section (metrics
and disparities per group with confidence intervals, the accuracy cost, and the accuracy–disparity
trade-off) in DIR/insights.json and DIR/report.html.

Methods:
${list()}

Every method compares on held-out rows with --eval DATA (its own --eval-skip-rows and
--eval-columns; read and checked before any fitting), and records its run with --track (see
candor runs). Run "candor mitigate help <method>" for a method's options.`;

/** `candor mitigate <method> …`: dispatches to the method's command. */
export async function runMitigate(argv: string[]): Promise<number> {
  const [method, ...rest] = argv;
  if (method === undefined || method === 'help' || method === '--help' || method === '-h') {
    const topic = method === 'help' ? rest[0] : undefined;
    process.stdout.write(`${topic && SUBCOMMANDS[topic] ? (await SUBCOMMANDS[topic].load()).help : MITIGATE_HELP}\n`);
    return method === undefined ? 2 : 0;
  }
  const sub = SUBCOMMANDS[method];
  if (!sub) {
    throw userError('unknown_command', `unknown mitigation method "${method}"${didYouMean(method, Object.keys(SUBCOMMANDS))}; methods are ${Object.keys(SUBCOMMANDS).join(', ')} (see candor mitigate --help)`, { method });
  }
  const entry = await sub.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${entry.help}\n`);
    return 0;
  }
  return entry.run(rest);
}
