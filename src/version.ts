/** Candor's version, reported in the insights document and `candor --version`. */
export const VERSION = '0.1.0';
