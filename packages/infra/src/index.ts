export { ActivityHistory, type ActivityHistoryProps, type StreamCapacity } from './activity-history.js';
export { ActivityHistoryStack, type ActivityHistoryStackProps } from './activity-history-stack.js';
export { stackPropsFromContext } from './app-context.js';
export { ActivityHistoryPropsError, HandlerBundleError } from './errors.js';
export {
  BUILD_HANDLERS_COMMAND,
  HANDLERS_PACKAGE,
  type HandlerCode,
  type HandlersSource,
  handlerBundleIn,
  installedHandlerBundle,
  workspaceHandlersSource,
} from './handler-code.js';
export { PipelineAlarms, type PipelineAlarmsProps } from './pipeline-alarms.js';
export { PipelineDashboard, type PipelineDashboardProps } from './pipeline-dashboard.js';
export {
  CREATE_REQUIRE_BANNER,
  FUNCTION_RUNTIME,
  PipelineFunction,
  type PipelineFunctionOptions,
} from './pipeline-function.js';
export { DEFAULT_METRICS_NAMESPACE, PipelineMetrics } from './pipeline-metrics.js';
