/** Where the built dashboard lands (dist/dashboard). */
export declare const DASHBOARD_DIST: string;
/** Builds dashboard/ into dist/dashboard; null when Vite is not installed. */
export declare function buildDashboard(options?: { quiet?: boolean }): Promise<string | null>;
/** Builds the dashboard unless dist/dashboard is newer than its sources. */
export declare function ensureDashboardBuilt(): Promise<string | null>;
