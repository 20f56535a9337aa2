/** Candor's version, reported in the insights document and `candor --version`. */
export const VERSION = '0.1.0';

/** Version of the insights document's schema; bumped only when a field is renamed or changes meaning. */
export const INSIGHTS_SCHEMA_VERSION = 1;
