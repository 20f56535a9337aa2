export { neumaierSum, weightedMean } from './sum.js';
export { Random } from './random.js';
export { normalQuantile, zForConfidence } from './normal-quantile.js';
export { sampleBinomial } from './binomial.js';
export { sampleMultinomial } from './multinomial.js';
export { type ProportionInterval, type WilsonOptions, wilsonInterval } from './wilson.js';
export { percentile, percentiles, quantileSorted } from './percentile.js';
export { type BootstrapOptions, type BootstrapInterval, bootstrapCounts, bootstrapRows, percentileInterval } from './bootstrap.js';
