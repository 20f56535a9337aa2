import { z } from 'zod';
import { userError } from '../errors/index.js';

/**
 * What `candor assess --config FILE` accepts: everything the flags hold, in YAML or JSON. Keys may
 * be camelCase or kebab-case (`skip-rows`). Relative `data` paths resolve against the file's folder.
 * @example
 * data: compas-scores-two-years.csv
 * label: two_year_recid
 * pred: decile_score >= 5
 * sensitive: [race, "race,sex"]
 * reference: { race: Caucasian }
 * cohorts: { seniors: "age > 60" }
 */
export const AssessConfig = z
  .object({
    data: z.string(),
    label: z.string(),
    pred: z.string(),
    score: z.union([z.string(), z.array(z.string())]),
    threshold: z.number(),
    task: z.enum(['binary', 'multiclass', 'regression']),
    positive: z.union([z.string(), z.number(), z.boolean()]).transform(String),
    sensitive: z.array(z.union([z.string(), z.array(z.string())])),
    reference: z.union([z.record(z.string(), z.string()), z.array(z.string())]),
    cohorts: z.union([z.record(z.string(), z.string()), z.array(z.string())]),
    where: z.string(),
    weight: z.string(),
    bootstrap: z.number().int().min(0),
    seed: z.number().int(),
    confidence: z.number().gt(0).lt(1),
    zeroDivision: z.union([z.literal(0), z.literal('null'), z.null()]),
    minGroupSize: z.number().int().min(0),
    maxGroups: z.number().int().min(1),
    band: z.tuple([z.number(), z.number()]),
    out: z.string(),
    model: z.string(),
    features: z.union([z.string(), z.array(z.string())]),
    exclude: z.union([z.string(), z.array(z.string())]),
    read: z
      .object({
        delimiter: z.string(),
        header: z.boolean(),
        columns: z.union([z.string(), z.array(z.string())]),
        skipRows: z.number().int().min(0),
        trim: z.boolean(),
        missing: z.union([z.string(), z.array(z.string())]),
        types: z.record(z.string(), z.enum(['numeric', 'categorical', 'boolean'])),
      })
      .partial()
      .strict(),
  })
  .partial()
  .strict();
export type AssessConfig = z.infer<typeof AssessConfig>;

const camel = (k: string) => k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

function normaliseKeys(value: unknown, depth: number): unknown {
  if (depth > 1 || value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [camel(k), k === 'read' ? normaliseKeys(v, depth + 1) : v]));
}

/** Validates a parsed config object; every problem is reported at once, with its path. */
export function parseAssessConfig(raw: unknown, source: string): AssessConfig {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw userError('invalid_config', `${source}: expected a mapping of options (label: …, sensitive: […]), found ${Array.isArray(raw) ? 'a list' : typeof raw}`);
  }
  const result = AssessConfig.safeParse(normaliseKeys(raw, 0));
  if (!result.success) {
    const problems = result.error.issues.map((i) => {
      const path = i.path.join('.') || '(top level)';
      if (i.code === 'unrecognized_keys') return `unknown key${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => JSON.stringify(k)).join(', ')}${path === '(top level)' ? '' : ` in ${path}`}`;
      return `${path}: ${i.message}`;
    });
    throw userError('invalid_config', `${source}: ${problems.join('; ')}`, { problems });
  }
  return result.data;
}
