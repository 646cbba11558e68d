/**
 * The operator's tools over the pipeline's HTTP API: `demo` (sends traffic and waits until the
 * totals add up), `doctor` (the diagnosis of one user, or the trace of one event, as a report) and `drill` (fault drills on a
 * local pipeline, each checking that the diagnosis names the stage that was broken). The typed API
 * client they share is exported for scripts and end-to-end tests.
 *
 * @example
 * ```ts
 * import { callApi, LOCAL_URL } from '@activity-history/cli';
 *
 * const response = await callApi({ url: LOCAL_URL, token: null }, 'GET', '/health');
 * ```
 *
 * @packageDocumentation
 */
export { type ApiTarget, callApi, errorMessage, type JsonResponse, LOCAL_URL } from './api-client.js';
export { type CommandIo, runDemo } from './demo-command.js';
export { diagnosisReport } from './diagnosis-report.js';
export { runDoctor } from './doctor-command.js';
export { DRILLS } from './drills/drill-catalog.js';
export { drillTable } from './drills/drill-report.js';
export { type Drill, type DrillResult, type DrillSettings, runDrill } from './drills/drill-run.js';
export { eventTraceReport } from './event-trace-report.js';
