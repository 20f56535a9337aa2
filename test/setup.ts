// Loaded before every test file (scripts/test.mjs): property tests run from a fixed seed so CI is
// reproducible; set CANDOR_FC_SEED to explore other cases, and report any counterexample found.
import fc from 'fast-check';

fc.configureGlobal({ seed: Number(process.env.CANDOR_FC_SEED ?? 20261122) });
