export { assess, type AssessInternalOptions } from './assess.js';
export type { AssessOptions, Task } from './options.js';
export { groupRows, groupLabel, MISSING_GROUP, type Grouping } from './groups.js';
export { metricLabel } from '../report/format.js';
