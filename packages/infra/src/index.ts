export { ActivityHistory, type ActivityHistoryProps, type StreamCapacity } from './activity-history.js';
export { ActivityHistoryStack, type ActivityHistoryStackProps } from './activity-history-stack.js';
export { stackPropsFromContext } from './app-context.js';
export { ActivityHistoryPropsError } from './errors.js';
export { PipelineAlarms, type PipelineAlarmsProps } from './pipeline-alarms.js';
export { PipelineDashboard, type PipelineDashboardProps } from './pipeline-dashboard.js';
export {
  CREATE_REQUIRE_BANNER,
  FUNCTION_RUNTIME,
  type HandlersSource,
  PipelineFunction,
  type PipelineFunctionOptions,
  workspaceHandlersSource,
} from './pipeline-function.js';
export { DEFAULT_METRICS_NAMESPACE, PipelineMetrics } from './pipeline-metrics.js';
