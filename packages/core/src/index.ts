export {
  type ActivityEvent,
  type AttributeValue,
  occurredAtMs,
  parseActivityEvent,
  sameContent,
  type ValidationContext,
} from './activity-event.js';
export {
  EARLIEST_OCCURRED_AT,
  MAX_ATTRIBUTE_MAGNITUDE,
  MAX_ATTRIBUTES,
  MAX_EVENT_BYTES,
  MAX_FUTURE_SKEW_MS,
  MIN_ATTRIBUTE_MAGNITUDE,
  MIN_QUANTITY,
  USER_ID_PATTERN,
  userIdError,
} from './activity-event-rules.js';
export {
  type ActivityHistory,
  type ActivityHistoryBody,
  type Bucket,
  formatInstant,
  historyBody,
  rollUp,
  type SummaryBody,
  type TallyBody,
  tallyBody,
} from './activity-history.js';
export {
  addEvent,
  type CounterDrift,
  counterDrift,
  type DailyCounter,
  dailyCountersOf,
  emptySummary,
  filterTypes,
  mergeSummaries,
  type Summary,
  summariesEqual,
  type Tally,
} from './activity-summary.js';
export { assertNever } from './assert-never.js';
export {
  type AppendPlan,
  type Claim,
  type CountedItem,
  type CounterContribution,
  type CounterIncrement,
  type CounterKey,
  type CounterTally,
  dailyCountersOfTallies,
  type ExpectedCounter,
  expectedCounters,
  firstOccurrences,
  incrementOf,
  planAppend,
  type StoredEvent,
  uncounted,
} from './counter-contribution.js';
export {
  type DayRange,
  DIAGNOSIS_PARAMETER_NAMES,
  dayRange,
  HISTORY_PARAMETER_NAMES,
  type HistoryParameters,
  type HistoryQuery,
  MAX_BUCKETS,
  parseDayRange,
  parseDiagnosisRange,
  parseHistoryQuery,
  type RangeParameters,
  unknownParameters,
} from './day-range.js';
export { type Environment, type IntegerVariable, integerVariable, variableOf } from './environment.js';
export { ActivityHistoryError, EventStoreError, type EventStoreFailure, MetricsReadError } from './errors.js';
export {
  capFieldErrors,
  type FieldError,
  MAX_ERROR_MESSAGE_LENGTH,
  MAX_ERROR_PATH_LENGTH,
  MAX_FIELD_ERRORS,
} from './field-error.js';
export { isJsonObject } from './json-object.js';
export type { Clock } from './ports/clock.js';
export type { EventLogQuery, EventLogSearch, EventLogSearchRequest } from './ports/event-log-search.js';
export type { AppendOutcome, CounterRepair, EventStore, PositionedEvent } from './ports/event-store.js';
export type { EventStream, PublishOutcome } from './ports/event-stream.js';
export type { HistoryApi, HistoryApiAnswer } from './ports/history-api.js';
export {
  type MetricSample,
  type MetricsReader,
  type MetricsRecorder,
  type PipelineFigures,
  STAGES,
  type Stage,
  type StageFigures,
} from './ports/metrics.js';
export type { ShardSource } from './ports/shard-source.js';
export {
  formatQuantityMicros,
  fromQuantityMicros,
  type QuantityMicros,
  toQuantityMicros,
} from './quantity.js';
export {
  DEFAULT_QUARANTINE_RETENTION_DAYS,
  MAX_QUARANTINED_PAYLOAD,
  QUARANTINE_REASONS,
  type QuarantinedRecord,
  type QuarantineReason,
  truncatePayload,
} from './quarantine.js';
export { err, ok, type Result } from './result.js';
export { parseRfc3339 } from './rfc3339-instant.js';
export { settleAll } from './settle-all.js';
export {
  type CheckStatus,
  DEFAULT_THRESHOLDS,
  type HealthBody,
  type HealthReport,
  type HealthStage,
  type HealthStages,
  type HealthThresholds,
  healthReport,
  type IngestStageData,
  judgeIngest,
  judgeProcessor,
  judgeQuery,
  judgeStore,
  judgeStream,
  type ProcessorStageData,
  type StageJudgement,
  type StoreStageData,
  type StreamStageData,
  type UnjudgedHealthReport,
  unjudgedHealthReport,
  verdictOf,
} from './stage-health.js';
export { compareSequences, type StreamPosition, samePosition, sequenceKey } from './stream-position.js';
export {
  type DecodedRecord,
  decodeRecord,
  encodeEnvelope,
  type IncomingRecord,
  type StreamEnvelope,
} from './stream-record.js';
export { systemClock } from './system-clock.js';
export {
  bucketStart,
  countBuckets,
  DAY_MS,
  type DayKey,
  dayKeyOf,
  dayKeyStart,
  GRANULARITIES,
  type Granularity,
  startOfUtcDay,
} from './time-bucket.js';
export { ADMIN_SCOPE, type Caller, INGEST_SCOPE, mayActFor } from './use-cases/caller.js';
export {
  type ApiCheckData,
  type ApiFailureData,
  CHECK_IDS,
  CHECK_QUESTIONS,
  type CheckDataById,
  type CheckId,
  type CheckOf,
  type CounterDriftDay,
  type CountersCheckData,
  type Diagnosis,
  type DiagnosisBody,
  type DiagnosisCheck,
  type DiagnosisDependencies,
  diagnoseUser,
  diagnosisCheck,
  type IngestCheckData,
  type ProcessorCheckData,
  type QuarantinedRecordView,
  type QueryCheckData,
  type RecentQuarantine,
  type StoreCheckData,
  type StreamCheckData,
  type UnreadableCheckData,
} from './use-cases/diagnose-user.js';
export {
  getActivityHistory,
  type HistoryDependencies,
  type HistoryRefusal,
  MAX_TYPES_PER_HISTORY,
} from './use-cases/get-activity-history.js';
export {
  type DiagnosisRefusal,
  getDiagnosis,
} from './use-cases/get-diagnosis.js';
export { inProcessHistoryApi } from './use-cases/in-process-history-api.js';
export {
  type AcceptedItem,
  type FailedItem,
  type IngestDependencies,
  type IngestRequest,
  type IngestResult,
  ingest,
  MAX_EVENTS_PER_REQUEST,
  RETRY_AFTER_SECONDS,
  type RejectedItem,
} from './use-cases/ingest.js';
export {
  type BatchReport,
  type ProcessDependencies,
  processBatch,
  type RecordOutcome,
} from './use-cases/process-batch.js';
export {
  DEFAULT_RETRY_POLICY,
  type PublishReport,
  publishWithRetry,
  type RetryPolicy,
} from './use-cases/publish-with-retry.js';
export {
  type EventBuckets,
  type EventTrace,
  type EventTraceDependencies,
  type EventTraceRefusal,
  type QuarantinedArrival,
  type StoredEventTrace,
  traceEvent,
  type UserDayAgreement,
} from './use-cases/trace-event.js';
export {
  type CounterTampering,
  createWriteFaults,
  type HeldWrite,
  type WriteFault,
  type WriteFaults,
  type WriteKind,
} from './write-faults.js';
